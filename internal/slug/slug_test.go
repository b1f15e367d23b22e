package slug

import "testing"

func TestMake(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"python":             "python",
		"python-cache":       "python-cache",
		"http-caching":       "http-caching",
		"Cache Control":      "cache-control",
		"  a -- b  ":         "a-b",
		"node.js":            "node-js",
		"C":                  "c",
		"C++":                "c-plus-plus",
		"C#":                 "c-sharp",
		"F# and C#":          "f-sharp-and-c-sharp",
		"#hashtag":           "sharp-hashtag",
		"a+b":                "a-plus-b",
		"Кэш":                "кэш",
		"日本語":                "日本語",
		"Ünïcödé Straße":     "ünïcödé-straße",
		"e\u0301clair":       "e\u0301clair", // a combining mark stays with its letter
		"\u0301x":            "x",            // and is dropped with none
		"🚀":                  "u1f680",
		"🚀 launch":           "launch",
		"":                   "",
		"Q&A":                "q-a",
		"release 2.0 (beta)": "release-2-0-beta",
	}
	for in, want := range cases {
		if got := Make(in); got != want {
			t.Errorf("Make(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPath(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"python-cache-control": "python-cache-control",
		"guide/Intro_v1.2":     "guide/Intro_v1.2",
		"a--b":                 "a--b",
		"my lesson":            "my-lesson",
		"My Lesson":            "My-Lesson",
		"c#-basics":            "c-sharp-basics",
		"C++ intro":            "C-plus-plus-intro",
		"my - lesson":          "my-lesson",
		"what's new?":          "what-s-new",
		"100%":                 "100",
		"Über/naïve café":      "Über/naïve-café",
		"🚀":                    "u1f680",
	}
	for in, want := range cases {
		if got := Path(in); got != want {
			t.Errorf("Path(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValid(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"a":           true,
		"a-b/c-d":     true,
		"кэш/основы":  true,
		"":            false,
		"A":           false,
		"a--b":        true, // as before Unicode
		"a-":          true,
		"-a":          false,
		"a/":          false,
		"a//b":        false,
		"a.b":         false,
		"a b":         false,
		"u1f680":      true,
		"update":      true,
		"c-plus-plus": true,
	} {
		if got := Valid(s); got != want {
			t.Errorf("Valid(%q) = %v, want %v", s, got, want)
		}
	}
}

// Every slug is its own slug: making one again changes nothing, so a slug
// an author copies from a URL is accepted as it is.
func FuzzMake(f *testing.F) {
	for _, s := range []string{"C++", "my lesson", "Кэш", "🚀", "a.b", "x\u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := Make(s)
		if Make(m) != m {
			t.Errorf("Make(%q) = %q, but Make(%q) = %q", s, m, m, Make(m))
		}
		if p := Path(s); Path(p) != p {
			t.Errorf("Path(%q) = %q, but Path(%q) = %q", s, p, p, Path(p))
		}
	})
}

func FuzzValid(f *testing.F) {
	for _, s := range []string{"C++", "my lesson", "Кэш", "🚀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if m := Make(s); m != "" && !Valid(m) {
			t.Errorf("Make(%q) = %q, which Valid refuses", s, m)
		}
	})
}
