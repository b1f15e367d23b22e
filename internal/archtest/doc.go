// Package archtest holds no code: its test checks the dependency rules
// and package sizes of the module (issue 17), reading `go list -deps`.
package archtest
