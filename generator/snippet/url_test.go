package snippet

import "testing"

func TestNormalizeURL(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"plain":            {"https://x.test/a/b?c=d", "https://x.test/a/b?c=d"},
		"no path":          {"https://x.test", "https://x.test/"},
		"no path, query":   {"https://x.test?a=1", "https://x.test/?a=1"},
		"encoded kept":     {"https://x.test/?t=19%3A08%3a25&s=a%2Fb&p=100%25", "https://x.test/?t=19%3A08%3a25&s=a%2Fb&p=100%25"},
		"never twice":      {"https://x.test/caf%C3%A9?q=caf%C3%A9", "https://x.test/caf%C3%A9?q=caf%C3%A9"},
		"raw encoded":      {"https://x.test/café?q=a b", "https://x.test/caf%C3%A9?q=a%20b"},
		"unreserved":       {"https://x.test/%41%7e?x=%2D%5f", "https://x.test/A~?x=-_"},
		"lone percent":     {"https://x.test/?p=100%&q=%zz", "https://x.test/?p=100%25&q=%25zz"},
		"brackets":         {"https://x.test/?foo[bar]=baz,zap", "https://x.test/?foo%5Bbar%5D=baz,zap"},
		"apostrophe":       {"https://x.test/it's?a=it's", "https://x.test/it's?a=it%27s"},
		"specials":         {"https://x.test/?a=\"<>\\^`{|}", "https://x.test/?a=%22%3C%3E%5C%5E%60%7B%7C%7D"},
		"sub-delims kept":  {"https://x.test/a;b=c?d=e&f=g+h!$()*,:@/?", "https://x.test/a;b=c?d=e&f=g+h!$()*,:@/?"},
		"fragment dropped": {"https://x.test/a?b=c#frag", "https://x.test/a?b=c"},
		"empty query":      {"https://x.test/a?", "https://x.test/a"},
		"port kept":        {"http://127.0.0.1:8080/x", "http://127.0.0.1:8080/x"},
		"secret host":      {"https://{{$env HOST}}/x", "https://{{$env HOST}}/x"},
		"user info":        {"https://u:p@x.test/", "https://u:p@x.test/"},
		"secret kept":      {"https://x.test/?k={{$env API_KEY}}&q=a b", "https://x.test/?k={{$env API_KEY}}&q=a%20b"},
		"secret in path":   {"https://x.test/{{$env ID}}/x y", "https://x.test/{{$env ID}}/x%20y"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := NormalizeURL(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("NormalizeURL(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	for _, bad := range []string{"/relative", "x.test/a", "https:///path", "://x", "https://x y/", "https://münchen.de/"} {
		if got, err := NormalizeURL(bad); err == nil {
			t.Errorf("NormalizeURL(%q) = %q, want an error", bad, got)
		}
	}
}
