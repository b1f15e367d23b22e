package snippet

import (
	"testing"

	"github.com/snapdoc/snapdoc/runner/httpfile"
	"github.com/snapdoc/snapdoc/templates"
)

// BenchmarkRender renders a typical request in every built-in language, as
// the build does for each example.
func BenchmarkRender(b *testing.B) {
	set, err := Load(templates.FS)
	if err != nil {
		b.Fatal(err)
	}
	r := &httpfile.Request{
		Method: "POST", URL: "https://httpbin.org/post?ref=A-1042",
		Headers: []httpfile.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "Authorization", Value: "Bearer " + httpfile.EnvRef("TOKEN")}},
		Body:    `{"items": [{"sku": "BOOK-17", "quantity": 2}], "gift": false}`,
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range set.Languages() {
			if _, err := set.Render(l.ID, r); err != nil {
				b.Fatal(err)
			}
		}
	}
}
