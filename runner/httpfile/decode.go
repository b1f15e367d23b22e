package httpfile

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxDecoded bounds a body decoded for display, against a small body that
// expands without end.
const maxDecoded = 16 << 20

// DecodeContent undoes the content codings of a Content-Encoding value
// ("gzip", "deflate", "gzip, deflate", "identity"), in reverse of the
// order they were applied, for showing a body that is recorded as sent.
// br and unknown codings are an error.
func DecodeContent(body []byte, codings string) ([]byte, error) {
	list := strings.Split(codings, ",")
	for i := len(list) - 1; i >= 0; i-- {
		c := strings.ToLower(strings.TrimSpace(list[i]))
		var r io.Reader
		var err error
		switch c {
		case "identity", "":
			continue
		case "gzip", "x-gzip":
			r, err = gzip.NewReader(bytes.NewReader(body))
		case "deflate":
			// RFC 9110, 8.4.1.2: zlib; some servers send raw deflate.
			if r, err = zlib.NewReader(bytes.NewReader(body)); err != nil {
				r, err = flate.NewReader(bytes.NewReader(body)), nil
			}
		default:
			return nil, fmt.Errorf("content coding %q is not supported", c)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c, err)
		}
		out, err := io.ReadAll(io.LimitReader(r, maxDecoded+1))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c, err)
		}
		if len(out) > maxDecoded {
			return nil, errors.New(c + ": decoded body too large")
		}
		body = out
	}
	return body, nil
}

// EncodeContent applies the content codings of a Content-Encoding value
// to body, in their order: the inverse of [DecodeContent] for gzip and
// deflate (zlib). br and unknown codings are an error.
func EncodeContent(body []byte, codings string) ([]byte, error) {
	for _, c := range strings.Split(codings, ",") {
		var b bytes.Buffer
		var w io.WriteCloser
		switch c = strings.ToLower(strings.TrimSpace(c)); c {
		case "identity", "":
			continue
		case "gzip", "x-gzip":
			w = gzip.NewWriter(&b)
		case "deflate":
			w = zlib.NewWriter(&b)
		default:
			return nil, fmt.Errorf("content coding %q is not supported", c)
		}
		if _, err := w.Write(body); err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
		body = b.Bytes()
	}
	return body, nil
}
