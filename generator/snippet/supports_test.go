package snippet

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestSupports pins down which corpus requests each language cannot
// express; everything else must be expressible.
func TestSupports(t *testing.T) {
	cannot := map[string][]string{
		"get-with-body":         {"javascript"},
		"headers-unicode-value": {"java", "javascript", "python"},
		"host-header":           {"java", "javascript"},
		"json-big-int":          {"javascript"},
		"basic-secrets":         {"http"},
		"secret-in-json":        {"http"},
		"secret-in-text":        {"http"},
	}
	s := loadSet(t)
	corpus := append(ownCorpus(), harCorpus(t)...)
	seen := map[string]bool{}
	for _, c := range corpus {
		var got []string
		for _, lang := range s.Languages() {
			err := s.Supports(lang.ID, c.req)
			if err == nil {
				continue
			}
			if !errors.Is(err, ErrCannotExpress) || !strings.Contains(err.Error(), lang.ID+": ") {
				t.Errorf("%s in %s: %v, want an ErrCannotExpress naming the language", c.name, lang.ID, err)
			}
			got = append(got, lang.ID)
		}
		slices.Sort(got)
		if want := cannot[c.name]; !slices.Equal(got, want) {
			t.Errorf("%s: cannot be expressed in %q, want %q", c.name, got, want)
		}
		seen[c.name] = true
	}
	for _, name := range slices.Sorted(maps.Keys(cannot)) {
		if !seen[name] {
			t.Errorf("no corpus request %q", name)
		}
	}
}
