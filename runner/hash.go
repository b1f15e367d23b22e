package runner

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// Hash identifies what a block's requests ask for: their methods, URLs,
// HTTP versions, headers, bodies and assertions, in order. Secrets are hashed as the
// references the author wrote, never as their values, so a hash never
// reveals a secret and a rotated token does not look like a changed
// request.
func Hash(reqs []*httpfile.Request) string {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	for _, r := range reqs {
		field(r.Method)
		field(r.URL)
		field(r.HTTPVersion)
		field(strconv.Itoa(len(r.Headers)))
		for _, hd := range r.Headers {
			field(hd.Name)
			field(hd.Value)
		}
		field(r.BodyFile)
		field(r.Body)
		if len(r.Asserts) > 0 {
			// Only blocks with assertions hash them, so that adding the
			// feature did not change the hash of any other block.
			field("??")
			field(strconv.Itoa(len(r.Asserts)))
			for _, a := range r.Asserts {
				field(a.String())
			}
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:32]
}
