package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// A target is one platform a release is built for.
type target struct{ GOOS, GOARCH string }

// allTargets are the platforms of a release.
var allTargets = []target{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

func (t target) String() string { return t.GOOS + "/" + t.GOARCH }

// exe is the binary's name on t.
func (t target) exe() string {
	if t.GOOS == "windows" {
		return "snapdoc.exe"
	}
	return "snapdoc"
}

// zipped reports whether t's archive is a zip, as windows users expect,
// rather than a gzipped tar, which keeps the binary's mode.
func (t target) zipped() bool { return t.GOOS == "windows" }

// base is the name of t's archive of version without its extension, and
// of the directory it unpacks into.
func (t target) base(version string) string {
	return fmt.Sprintf("snapdoc_%s_%s_%s", version, t.GOOS, t.GOARCH)
}

// archive is the file name of t's archive of version.
func (t target) archive(version string) string {
	if t.zipped() {
		return t.base(version) + ".zip"
	}
	return t.base(version) + ".tar.gz"
}

// parseTargets parses comma-separated os/arch pairs, each one of allTargets.
func parseTargets(s string) ([]target, error) {
	var ts []target
	for _, p := range strings.Split(s, ",") {
		goos, goarch, _ := strings.Cut(strings.TrimSpace(p), "/")
		t := target{goos, goarch}
		known := false
		for _, a := range allTargets {
			known = known || a == t
		}
		if !known {
			return nil, fmt.Errorf("-targets: %q is not one of %v", p, allTargets)
		}
		ts = append(ts, t)
	}
	return ts, nil
}

var versionChars = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]*$`)

// checkVersion refuses a version that would not make a plain file name.
func checkVersion(v string) error {
	if !versionChars.MatchString(v) {
		return fmt.Errorf("version %q: want letters, digits and . _ + - only", v)
	}
	return nil
}

// A file is one entry of an archive.
type file struct {
	name string
	mode fs.FileMode
	data []byte
}

// writeArchive writes t's archive of version with files into the dir out,
// under a top directory of the archive's name, every entry dated mtime.
func writeArchive(out string, t target, version string, files []file, mtime time.Time) error {
	var buf bytes.Buffer
	var err error
	dir := t.base(version)
	if t.zipped() {
		err = writeZip(&buf, dir, files, mtime)
	} else {
		err = writeTarGz(&buf, dir, files, mtime)
	}
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, t.archive(version)), buf.Bytes(), 0o644)
}

// writeTarGz writes files under dir/ as a gzipped tar.
func writeTarGz(w io.Writer, dir string, files []file, mtime time.Time) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	hdr := func(name string, mode fs.FileMode, typ byte, size int) *tar.Header {
		return &tar.Header{Typeflag: typ, Name: name, Mode: int64(mode.Perm()), Size: int64(size),
			ModTime: mtime, Uname: "root", Gname: "root", Format: tar.FormatPAX}
	}
	if err := tw.WriteHeader(hdr(dir+"/", 0o755, tar.TypeDir, 0)); err != nil {
		return err
	}
	for _, f := range files {
		if err := tw.WriteHeader(hdr(dir+"/"+f.name, f.mode, tar.TypeReg, len(f.data))); err != nil {
			return err
		}
		if _, err := tw.Write(f.data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

// writeZip writes files under dir/ as a zip.
func writeZip(w io.Writer, dir string, files []file, mtime time.Time) error {
	zw := zip.NewWriter(w)
	for _, f := range files {
		h := &zip.FileHeader{Name: dir + "/" + f.name, Method: zip.Deflate, Modified: mtime}
		h.SetMode(f.mode)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.data); err != nil {
			return err
		}
	}
	return zw.Close()
}

// checksums returns the SHA-256 of each named file in dir, one line each
// in sha256sum's format ("HEX  NAME"), so `sha256sum -c SHA256SUMS` checks
// them.
func checksums(dir string, names []string) ([]byte, error) {
	var b bytes.Buffer
	for _, n := range names {
		f, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			return nil, err
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "%x  %s\n", h.Sum(nil), n)
	}
	return b.Bytes(), nil
}
