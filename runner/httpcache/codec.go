package httpcache

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"net/http"
	"time"
)

// The on-disk form of an entry: a 16-byte header (magic, payload length,
// CRC-32C of the payload) followed by the payload, so that a truncated or
// damaged file is always detected.
const (
	codecMagic  = "SDC1"
	codecHeader = 16
	zeroTime    = math.MinInt64
)

var (
	crcTable = crc32.MakeTable(crc32.Castagnoli)
	// errCorrupt reports an entry file that fails its checks.
	errCorrupt = errors.New("corrupt entry")
)

// encodeEntry serialises key and e.
func encodeEntry(key string, e *Entry) []byte {
	b := make([]byte, codecHeader, codecHeader+int(e.Size())+len(key)+64)
	copy(b, codecMagic)
	b = appendString(b, key)
	b = appendString(b, e.URL)
	b = binary.AppendVarint(b, int64(e.StatusCode))
	b = appendTime(b, e.RequestTime)
	b = appendTime(b, e.ResponseTime)
	b = appendHeader(b, e.Header)
	b = appendHeader(b, e.VaryHeader)
	b = appendString(b, string(e.Body))
	payload := b[codecHeader:]
	binary.LittleEndian.PutUint64(b[4:], uint64(len(payload)))
	binary.LittleEndian.PutUint32(b[12:], crc32.Checksum(payload, crcTable))
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return binary.AppendVarint(b, zeroTime)
	}
	return binary.AppendVarint(b, t.UnixNano())
}

func appendHeader(b []byte, h http.Header) []byte {
	if h == nil {
		return binary.AppendUvarint(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(h))+1)
	for k, vs := range h {
		b = appendString(b, k)
		b = binary.AppendUvarint(b, uint64(len(vs)))
		for _, v := range vs {
			b = appendString(b, v)
		}
	}
	return b
}

// decodeEntry parses what encodeEntry wrote, checking length and checksum.
func decodeEntry(data []byte) (key string, e *Entry, err error) {
	if len(data) < codecHeader || string(data[:4]) != codecMagic {
		return "", nil, errCorrupt
	}
	payload := data[codecHeader:]
	if binary.LittleEndian.Uint64(data[4:]) != uint64(len(payload)) ||
		binary.LittleEndian.Uint32(data[12:]) != crc32.Checksum(payload, crcTable) {
		return "", nil, errCorrupt
	}
	d := decoder{b: payload}
	key = d.string()
	e = &Entry{URL: d.string()}
	e.StatusCode = int(d.varint())
	e.RequestTime = d.time()
	e.ResponseTime = d.time()
	e.Header = d.header()
	e.VaryHeader = d.header()
	if body := d.string(); body != "" {
		e.Body = []byte(body)
	}
	if d.err || len(d.b) != 0 {
		return "", nil, errCorrupt
	}
	return key, e, nil
}

// decoder reads the payload; on malformed input it sets err and yields
// zero values, so decodeEntry checks once at the end.
type decoder struct {
	b   []byte
	err bool
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err, d.b = true, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err, d.b = true, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err, d.b = true, nil
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) time() time.Time {
	v := d.varint()
	if v == zeroTime {
		return time.Time{}
	}
	return time.Unix(0, v)
}

func (d *decoder) header() http.Header {
	n := d.uvarint()
	if n == 0 {
		return nil
	}
	n--
	if n > uint64(len(d.b)) { // each field takes at least one byte
		d.err, d.b = true, nil
		return nil
	}
	h := make(http.Header, n)
	for range n {
		k := d.string()
		nv := d.uvarint()
		if nv > uint64(len(d.b)) {
			d.err, d.b = true, nil
			return nil
		}
		vs := make([]string, nv)
		for i := range vs {
			vs[i] = d.string()
		}
		h[k] = vs
	}
	return h
}
