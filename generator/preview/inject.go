package preview

import "bytes"

// liveJSPath is where [Server] serves the live-reload client.
const liveJSPath = "/_snapdoc/live.js"

// inject returns page with the tag that loads the live-reload client
// inserted before the last </body>, or appended when there is none. The tag
// carries the site version the page was served from, so that the client
// learns about an update that happened while the page was loading.
func inject(page []byte, version string) []byte {
	tag := `<script src="` + liveJSPath + `" data-version="` + version + `" defer></script>`
	i := lastIndexFold(page, []byte("</body"))
	if i < 0 {
		i = len(page)
	}
	out := make([]byte, 0, len(page)+len(tag))
	out = append(out, page[:i]...)
	out = append(out, tag...)
	return append(out, page[i:]...)
}

// lastIndexFold is bytes.LastIndex ignoring ASCII case; sep must not be
// empty and must start with a byte that has no case.
func lastIndexFold(s, sep []byte) int {
	for i := len(s) - len(sep); i >= 0; i-- {
		if s[i] == sep[0] && bytes.EqualFold(s[i:i+len(sep)], sep) {
			return i
		}
	}
	return -1
}
