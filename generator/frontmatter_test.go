package generator

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestUnclosedQuote(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		src  string
		want int
	}{
		"double quote":             {"title: \"open\ntags: [a]\n", 1},
		"single quote, later":      {"title: t\ndescription: 'open\ntags: [a]\n", 2},
		"after a multi-line quote": {"title: 'spans\n  lines'\ncategory: \"open\ntags: [a]\n", 3},
		"other error":              {"title: t\ntags: [a, b\n", 0},
		"too long to search":       {"title: \"open\n" + strings.Repeat("x\n", 1000), 0},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var doc yaml.Node
			err := yaml.Unmarshal([]byte(tt.src), &doc)
			if err == nil {
				t.Fatal("the YAML parsed")
			}
			if got := unclosedQuote([]byte(tt.src), err); got != tt.want {
				t.Errorf("line %d, want %d (yaml says %v)", got, tt.want, err)
			}
		})
	}
}
