package httpcache

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"net/http"
	"time"
)

// The on-disk form of an entry is a 16-byte header (magic, payload length,
// CRC-32C of the payload) and the payload, so that a truncated or damaged
// file is always detected. The payload is the length of the metadata, the
// metadata (key, URL, status, times, header, vary header) and the body.
const (
	codecMagic  = "SDC2"
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
	meta := make([]byte, 0, int(e.Size())-len(e.Body)+len(key)+32)
	meta = appendString(meta, key)
	meta = appendString(meta, e.URL)
	meta = binary.AppendVarint(meta, int64(e.StatusCode))
	meta = appendTime(meta, e.RequestTime)
	meta = appendTime(meta, e.ResponseTime)
	meta = appendHeader(meta, e.Header)
	meta = appendHeader(meta, e.VaryHeader)

	b := make([]byte, codecHeader, codecHeader+binary.MaxVarintLen64+len(meta)+len(e.Body))
	copy(b, codecMagic)
	b = binary.AppendUvarint(b, uint64(len(meta)))
	b = append(b, meta...)
	b = append(b, e.Body...)
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
// The body shares data's memory; the caller must not reuse data.
func decodeEntry(data []byte) (key string, e *Entry, err error) {
	if len(data) < codecHeader || string(data[:4]) != codecMagic {
		return "", nil, errCorrupt
	}
	payload := data[codecHeader:]
	if binary.LittleEndian.Uint64(data[4:]) != uint64(len(payload)) ||
		binary.LittleEndian.Uint32(data[12:]) != crc32.Checksum(payload, crcTable) {
		return "", nil, errCorrupt
	}
	metaLen, n := binary.Uvarint(payload)
	if n <= 0 || metaLen > uint64(len(payload)-n) {
		return "", nil, errCorrupt
	}
	// One string for all metadata; keys and values are substrings of it.
	d := decoder{s: string(payload[n : n+int(metaLen)])}
	key = d.string()
	e = &Entry{URL: d.string()}
	e.StatusCode = int(d.varint())
	e.RequestTime = d.time()
	e.ResponseTime = d.time()
	e.Header = d.header()
	e.VaryHeader = d.header()
	if d.err || d.s != "" {
		return "", nil, errCorrupt
	}
	if body := payload[n+int(metaLen):]; len(body) > 0 {
		e.Body = body
	}
	return key, e, nil
}

// decoder reads metadata; on malformed input it sets err and yields zero
// values, so decodeEntry checks once at the end.
type decoder struct {
	s   string
	err bool
}

func (d *decoder) fail() { d.err, d.s = true, "" }

func (d *decoder) uvarint() uint64 {
	var v uint64
	for i := 0; i < len(d.s) && i < binary.MaxVarintLen64; i++ {
		c := d.s[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			d.s = d.s[i+1:]
			return v
		}
	}
	d.fail()
	return 0
}

func (d *decoder) varint() int64 {
	u := d.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.s)) {
		d.fail()
		return ""
	}
	s := d.s[:n]
	d.s = d.s[n:]
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
	if n > uint64(len(d.s)) { // each field takes at least one byte
		d.fail()
		return nil
	}
	h := make(http.Header, n)
	for range n {
		k := d.string()
		nv := d.uvarint()
		if nv > uint64(len(d.s)) {
			d.fail()
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
