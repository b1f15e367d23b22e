package hostile

import "testing"

func TestIs(t *testing.T) {
	t.Parallel()
	for _, r := range []rune{0x202A, 0x202E, 0x2066, 0x2069, 0x200E, 0x200F, 0x061C, 0x200B, 0x2060, 0xFEFF, 0x00AD, 0xE0001, 0xE007F} {
		if !Is(r) {
			t.Errorf("Is(%U) = false", r)
		}
	}
	for _, r := range []rune{'a', ' ', '\t', 'é', 'ж', 0x200C, 0x200D, 0x2029, 0xFE0F, 0xE0080, 0x1F680} {
		if Is(r) {
			t.Errorf("Is(%U) = true", r)
		}
	}
}

func TestIndex(t *testing.T) {
	t.Parallel()
	if i, r := Index("abc\u202Edef"); i != 3 || r != 0x202E {
		t.Errorf("Index = %d, %U; want 3, U+202E", i, r)
	}
	if i, r := Index("plain ж"); i != -1 || r != 0 {
		t.Errorf("Index = %d, %U; want -1, 0", i, r)
	}
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	for r, want := range map[rune]string{
		0x202E:  "U+202E RIGHT-TO-LEFT OVERRIDE",
		0x00AD:  "U+00AD SOFT HYPHEN",
		0xE0041: "U+E0041 TAG CHARACTER",
	} {
		if got := Describe(r); got != want {
			t.Errorf("Describe(%U) = %q, want %q", r, got, want)
		}
	}
}

func TestAppendMarker(t *testing.T) {
	t.Parallel()
	got := string(AppendMarker([]byte("x"), 0x2067))
	want := `x<span class="hostile" title="U+2067 RIGHT-TO-LEFT ISOLATE">U+2067</span>`
	if got != want {
		t.Errorf("AppendMarker = %s, want %s", got, want)
	}
}

func TestEscape(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain ж":           "plain ж",
		"ad\u202emin.md":    `ad\u202emin.md`,
		"\u200bx\U000E0041": `\u200bx\U000e0041`,
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSpell(t *testing.T) {
	t.Parallel()
	if got, want := Spell("a\u202eb\u200b"), "a[U+202E]b[U+200B]"; got != want {
		t.Errorf("Spell = %q, want %q", got, want)
	}
	if got := Spell("plain ж"); got != "plain ж" {
		t.Errorf("Spell = %q", got)
	}
}
