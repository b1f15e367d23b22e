package safeopen

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadFile(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secret, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		t.Helper()
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	write("content/data.txt", "data")
	write("big.txt", strings.Repeat("x", 11))
	link("../data.txt", "content/up.txt") // no such file: root/data.txt
	link("data.txt", "content/same.txt")
	link("../content/data.txt", "content/inside.txt")
	link(secret, "content/out.txt")
	link("/dev/zero", "content/zero")
	if err := syscall.Mkfifo(filepath.Join(root, "content/fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		name, want, reason string
		notExist           bool
	}{
		"file":              {name: "content/data.txt", want: "data"},
		"link inside":       {name: "content/same.txt", want: "data"},
		"link up, inside":   {name: "content/inside.txt", want: "data"},
		"missing":           {name: "content/none.txt", notExist: true},
		"link out":          {name: "content/out.txt", reason: "resolves outside the site's root"},
		"dot dot":           {name: "../" + filepath.Base(outside) + "/secret.txt", reason: "resolves outside the site's root"},
		"link to /dev/zero": {name: "content/zero", reason: "resolves outside the site's root"},
		"fifo":              {name: "content/fifo", reason: "is not a regular file but a FIFO"},
		"dir":               {name: "content", reason: "is a directory"},
		"too large":         {name: "big.txt", reason: "is 11 bytes, larger than the limit"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			done := make(chan struct{})
			var data []byte
			var err error
			go func() { data, err = ReadFile(root, c.name, 10); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("ReadFile hangs")
			}
			switch {
			case c.notExist:
				if !errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("err = %v, want one wrapping fs.ErrNotExist", err)
				}
			case c.reason != "":
				var e *Error
				if !errors.As(err, &e) || !strings.Contains(e.Reason, c.reason) || e.Name != c.name {
					t.Fatalf("err = %v, want an *Error for %s saying %q", err, c.name, c.reason)
				}
			default:
				if err != nil || string(data) != c.want {
					t.Fatalf("ReadFile = %q, %v, want %q", data, err, c.want)
				}
			}
		})
	}
}

func TestFSWalks(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "templates/static"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "templates/static/a.css"), []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/hostname", filepath.Join(root, "templates/static/b.txt")); err != nil {
		t.Fatal(err)
	}
	fsys := FS(root, "templates", MaxFile)
	var read []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if _, err := fs.ReadFile(fsys, p); err != nil {
			return err
		}
		read = append(read, p)
		return nil
	})
	var e *Error
	if !errors.As(err, &e) || e.Name != "templates/static/b.txt" {
		t.Fatalf("walk: %v after reading %q, want an *Error for templates/static/b.txt", err, read)
	}
	if strings.Join(read, ",") != "static/a.css" {
		t.Errorf("read %q before the link out", read)
	}
}

func TestFSNamesMissingFileAsGiven(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := fs.ReadFile(FS(root, "content", MaxFile), "missing.json")
	if !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "open missing.json: ") {
		t.Fatalf("err = %v, want open missing.json: ... wrapping fs.ErrNotExist", err)
	}
}
