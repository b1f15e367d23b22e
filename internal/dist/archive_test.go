package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

var testFiles = []file{
	{name: "snapdoc", mode: 0o755, data: []byte("\x7fELF binary")},
	{name: "README.md", mode: 0o644, data: []byte("# snapdoc\n")},
}

var testTime = time.Date(2026, 12, 7, 23, 29, 0, 0, time.UTC)

func TestArchiveNames(t *testing.T) {
	var got []string
	for _, tg := range allTargets {
		got = append(got, tg.archive("v1.2.0"))
	}
	want := []string{
		"snapdoc_v1.2.0_linux_amd64.tar.gz", "snapdoc_v1.2.0_linux_arm64.tar.gz",
		"snapdoc_v1.2.0_darwin_amd64.tar.gz", "snapdoc_v1.2.0_darwin_arm64.tar.gz",
		"snapdoc_v1.2.0_windows_amd64.zip", "snapdoc_v1.2.0_windows_arm64.zip",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("archives %q, want %q", got, want)
	}
	if e := (target{"windows", "arm64"}).exe(); e != "snapdoc.exe" {
		t.Errorf("windows binary %q, want snapdoc.exe", e)
	}
}

func TestParseTargets(t *testing.T) {
	got, err := parseTargets("linux/amd64, windows/arm64")
	if want := []target{{"linux", "amd64"}, {"windows", "arm64"}}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("parseTargets: %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"", "linux", "plan9/386", "linux/amd64,"} {
		if _, err := parseTargets(bad); err == nil {
			t.Errorf("parseTargets(%q) accepted it", bad)
		}
	}
}

func TestCheckVersion(t *testing.T) {
	for _, ok := range []string{"v1.2.0", "v0.3.1-4-g629ee7e-dirty", "629ee7e", "devel", "v2.0.0+meta"} {
		if err := checkVersion(ok); err != nil {
			t.Errorf("checkVersion(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "../x", "v1/2", "a b", "-v1"} {
		if err := checkVersion(bad); err == nil {
			t.Errorf("checkVersion(%q) accepted it", bad)
		}
	}
}

func TestTarGz(t *testing.T) {
	dir := t.TempDir()
	tg := target{"linux", "arm64"}
	if err := writeArchive(dir, tg, "v1.2.0", testFiles, testTime); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "snapdoc_v1.2.0_linux_arm64.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var got []file
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !h.ModTime.Equal(testTime) {
			t.Errorf("%s dated %v, want %v", h.Name, h.ModTime, testTime)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, file{name: h.Name, mode: fs.FileMode(h.Mode), data: data})
	}
	want := []file{
		{name: "snapdoc_v1.2.0_linux_arm64/", mode: 0o755, data: []byte{}},
		{name: "snapdoc_v1.2.0_linux_arm64/snapdoc", mode: 0o755, data: testFiles[0].data},
		{name: "snapdoc_v1.2.0_linux_arm64/README.md", mode: 0o644, data: testFiles[1].data},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tar holds\n%+v\nwant\n%+v", got, want)
	}
	// tar itself unpacks it, with the binary executable.
	if _, err := exec.LookPath("tar"); err == nil {
		out := t.TempDir()
		if b, err := exec.Command("tar", "-xzf", f.Name(), "-C", out).CombinedOutput(); err != nil {
			t.Fatalf("tar -xzf: %v\n%s", err, b)
		}
		fi, err := os.Stat(filepath.Join(out, "snapdoc_v1.2.0_linux_arm64", "snapdoc"))
		if err != nil || fi.Mode().Perm() != 0o755 {
			t.Errorf("unpacked binary: %v, %v; want mode 0755", fi, err)
		}
	}
}

func TestZip(t *testing.T) {
	dir := t.TempDir()
	files := []file{{name: "snapdoc.exe", mode: 0o755, data: []byte("MZ binary")}, testFiles[1]}
	if err := writeArchive(dir, target{"windows", "amd64"}, "v1.2.0", files, testTime); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(filepath.Join(dir, "snapdoc_v1.2.0_windows_amd64.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var got []file
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !zf.Modified.Equal(testTime) {
			t.Errorf("%s dated %v, want %v", zf.Name, zf.Modified, testTime)
		}
		got = append(got, file{name: zf.Name, mode: zf.Mode().Perm(), data: data})
	}
	want := []file{
		{name: "snapdoc_v1.2.0_windows_amd64/snapdoc.exe", mode: 0o755, data: files[0].data},
		{name: "snapdoc_v1.2.0_windows_amd64/README.md", mode: 0o644, data: files[1].data},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("zip holds\n%+v\nwant\n%+v", got, want)
	}
}

// TestSameBytes checks that an archive of the same files and time is the
// same bytes, so SHA256SUMS of a commit can be checked by building it again.
func TestSameBytes(t *testing.T) {
	for _, tg := range []target{{"linux", "amd64"}, {"windows", "amd64"}} {
		a, b := t.TempDir(), t.TempDir()
		for _, d := range []string{a, b} {
			if err := writeArchive(d, tg, "v1", testFiles, testTime); err != nil {
				t.Fatal(err)
			}
		}
		x, _ := os.ReadFile(filepath.Join(a, tg.archive("v1")))
		y, _ := os.ReadFile(filepath.Join(b, tg.archive("v1")))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s: two archives of the same files differ (%d and %d bytes)", tg, len(x), len(y))
		}
	}
}

// TestChecksums checks SHA256SUMS with sha256sum -c, as a user would.
func TestChecksums(t *testing.T) {
	dir := t.TempDir()
	names := []string{"a.tar.gz", "b.zip"}
	for i, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), bytes.Repeat([]byte{byte(i)}, 1000), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sums, err := checksums(dir, names)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "SHA256SUMS"), sums, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("sha256sum"); err != nil {
		t.Skip("no sha256sum")
	}
	check := func() ([]byte, error) {
		cmd := exec.Command("sha256sum", "-c", "SHA256SUMS")
		cmd.Dir = dir
		return cmd.CombinedOutput()
	}
	if out, err := check(); err != nil {
		t.Errorf("sha256sum -c SHA256SUMS: %v\n%s", err, out)
	}
	// A changed archive fails the check.
	if err := os.WriteFile(filepath.Join(dir, "b.zip"), []byte("tampered"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := check(); err == nil {
		t.Error("sha256sum -c passed a changed archive")
	}
}
