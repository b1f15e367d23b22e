package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/snapdoc/snapdoc/internal/sitepath"
	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/runner/redact"
	"go.yaml.in/yaml/v3"
)

// ConfigFile is the name of the optional site config at the site's root.
const ConfigFile = "snapdoc.yaml"

// SiteConfig is the content of snapdoc.yaml. Every key has a default.
type SiteConfig struct {
	Title       string            `yaml:"title"`
	Description string            `yaml:"description"`
	BaseURL     string            `yaml:"base_url"`
	Language    string            `yaml:"language"` // the HTML lang attribute
	Languages   []string          `yaml:"languages"`
	Vars        map[string]string `yaml:"vars"`
	// Paginate is how many lessons a tag or category page lists before
	// the rest go to further pages; 0 lists them all on one page.
	Paginate int          `yaml:"paginate"`
	Runner   RunnerConfig `yaml:"runner"`
	// Try sets up the Run button of published pages.
	Try TryConfig `yaml:"try"`

	// EditURL, when set, is what a lesson's path from the site's root
	// (content/intro.md) is appended to for its "Edit this page" link,
	// such as https://github.com/org/site/edit/main/.
	EditURL string `yaml:"edit_url"`

	// warnings are what loading the config found that does not fail it.
	warnings []error
}

// RunnerConfig is the runner section of snapdoc.yaml.
type RunnerConfig struct {
	Timeout Duration `yaml:"timeout"`
	Hosts   Routes   `yaml:"hosts"`
	// Redact names the secret response fields, replaced by [redacted]
	// everywhere; Volatile those shown as recorded and ignored when
	// outputs are compared (drift, refreshed snapshots).
	Redact   Redact   `yaml:"redact"`
	Volatile Volatile `yaml:"volatile"`
	Headers  []string `yaml:"headers"` // response headers shown on pages
}

// Duration is a time.Duration written as "10s" in YAML.
type Duration struct{ time.Duration }

// UnmarshalYAML parses a positive Go duration such as "10s".
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || v <= 0 {
		return fmt.Errorf("line %d: want a positive duration such as 10s, not %q", n.Line, n.Value)
	}
	d.Duration = v
	return nil
}

// Redact lists the runner's secret fields, such as "header:X-Session";
// see [redact.Parse].
type Redact []string

// UnmarshalYAML decodes a list of field specs, each checked by
// [redact.Parse].
func (r *Redact) UnmarshalYAML(n *yaml.Node) error { return decodeFields(n, "redact", (*[]string)(r)) }

// Volatile lists the runner's volatile fields, such as "header:Date", in
// the form of [Redact].
type Volatile []string

// UnmarshalYAML decodes a list of field specs, each checked by
// [redact.Parse].
func (v *Volatile) UnmarshalYAML(n *yaml.Node) error {
	return decodeFields(n, "volatile", (*[]string)(v))
}

// decodeFields decodes the list of field specs of runner.KEY into specs.
func decodeFields(n *yaml.Node, key string, specs *[]string) error {
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	for _, item := range n.Content {
		if _, err := redact.Parse([]string{item.Value}); err != nil {
			return fmt.Errorf("line %d: runner.%s %v", item.Line, key, err)
		}
	}
	*specs = list
	return nil
}

// Warnings are what loading the config found that does not fail it, such
// as volatile fields listed as secret; each names snapdoc.yaml and a line.
func (c *SiteConfig) Warnings() []error { return c.warnings }

// checkRedact warns about the fields of runner.redact that are volatile
// by nature rather than secret: older sites listed dates and ids there,
// when it was the only way to keep them out of snapshots. They are still
// redacted, as the site says.
func (c *SiteConfig) checkRedact(src []byte) {
	var volatile []string
	for _, spec := range c.Runner.Redact {
		if redact.IsVolatile(spec) {
			volatile = append(volatile, spec)
		}
	}
	if len(volatile) == 0 {
		return
	}
	what, it := "is volatile", "it"
	if len(volatile) > 1 {
		what, it = "are volatile", "them"
	}
	line, col := findIndentedKey(src, "redact")
	c.warnings = append(c.warnings, errorf(ConfigFile, line, col,
		"runner.redact: %s %s, not secret: still redacted as the site says; move %s to runner.volatile to show %[3]s as recorded, ignored only when deciding drift", strings.Join(volatile, ", "), what, it))
}

// Routes maps host names to where the runner sends their requests; see
// [runner.Config.Hosts].
type Routes map[string]string

// UnmarshalYAML decodes a mapping of host names to routes, each checked
// by [runner.CheckRoute].
func (r *Routes) UnmarshalYAML(n *yaml.Node) error {
	var m map[string]string
	if err := n.Decode(&m); err != nil {
		return err
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		host, to := n.Content[i], n.Content[i+1]
		if err := runner.CheckRoute(to.Value); err != nil {
			return fmt.Errorf("line %d: runner.hosts: %s: %v", to.Line, host.Value, err)
		}
	}
	*r = m
	return nil
}

// findIndentedKey returns the line and column of the first line of src
// that starts with key and a colon after its indentation; 0, 0 when none
// does.
func findIndentedKey(src []byte, key string) (int, int) {
	for i, l := range strings.Split(string(src), "\n") {
		trimmed := strings.TrimLeft(l, " ")
		if strings.HasPrefix(trimmed, key+":") {
			return i + 1, len(l) - len(trimmed) + 1
		}
	}
	return 0, 0
}

// DefaultConfig returns the configuration of a site without snapdoc.yaml.
func DefaultConfig() SiteConfig {
	return SiteConfig{
		Title:     "API Tutorials",
		BaseURL:   "/",
		Language:  "en",
		Languages: []string{"python", "curl", "javascript", "go", "java", "http"},
		Paginate:  50,
		Runner: RunnerConfig{
			Timeout: Duration{10 * time.Second},
			Headers: []string{"Content-Type", "Cache-Control", "ETag", "Last-Modified", "Age"},
		},
	}
}

// LoadConfig reads snapdoc.yaml from the site root fsys, if there is one,
// over the defaults.
func LoadConfig(fsys fs.FS) (SiteConfig, error) {
	c := DefaultConfig()
	src, err := fs.ReadFile(fsys, ConfigFile)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("read config: %w", err)
	}
	if _, err := decodeStrict(ConfigFile, "config", src, 1, &c); err != nil {
		return c, err
	}
	if err := c.SetBaseURL(c.BaseURL); err != nil {
		return c, errorf(ConfigFile, findKeyLine(src, "base_url"), 1, "base_url: %v", err)
	}
	c.checkRedact(src)
	if err := c.Try.check(src); err != nil {
		return c, err
	}
	if err := c.checkEditURL(src); err != nil {
		return c, err
	}
	if c.Paginate < 0 {
		return c, errorf(ConfigFile, findKeyLine(src, "paginate"), 1, "paginate: want a number of lessons per page, or 0 for one page, not %d", c.Paginate)
	}
	return c, nil
}

// SetBaseURL sets the URL the site is served from: an absolute URL such as
// https://docs.example.org/api/, or a path such as /api/. A missing
// trailing slash is added.
func (c *SiteConfig) SetBaseURL(s string) error {
	if s == "" {
		s = "/"
	}
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme != "" && u.Host == "" || u.Scheme == "" && !strings.HasPrefix(u.Path, "/") {
		return fmt.Errorf("want an absolute URL or a path starting with /, not %q", s)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	c.BaseURL = u.String()
	return nil
}

// IsAbsolute reports whether the base URL is an absolute URL, which the
// feed, the sitemap and canonical links need: with a path alone, the build
// leaves them out.
func (c SiteConfig) IsAbsolute() bool { return strings.Contains(c.BaseURL, "://") }

// listsWarning says, when the base URL is not absolute, that the build
// leaves out the feed and the sitemap, which must name absolute URLs to be
// valid; nil otherwise. src is snapdoc.yaml, nil when there is none.
func (c *SiteConfig) listsWarning(src []byte) error {
	if c.IsAbsolute() {
		return nil
	}
	what := "no base_url"
	if line := findKeyLine(src, "base_url"); line > 0 {
		what = fmt.Sprintf("base_url %q is a path", c.BaseURL)
		return errorf(ConfigFile, line, 1, "%s, not an absolute URL: feed.xml and sitemap.xml are left out, and pages have no canonical link (set base_url: https://… or build with --base-url)", what)
	}
	return fmt.Errorf("%s: %s: feed.xml and sitemap.xml are left out, and pages have no canonical link (set base_url: https://… or build with --base-url)", ConfigFile, what)
}

// checkEditURL checks that edit_url, when set, is an absolute http or
// https URL; src is snapdoc.yaml.
func (c *SiteConfig) checkEditURL(src []byte) error {
	if c.EditURL == "" {
		return nil
	}
	u, err := url.Parse(c.EditURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errorf(ConfigFile, findKeyLine(src, "edit_url"), 1, "edit_url: want an absolute http or https URL, such as https://github.com/org/site/edit/main/, not %q", c.EditURL)
	}
	return nil
}

// basePath is the path part of the base URL, with a trailing slash.
func (c *SiteConfig) basePath() string {
	u, _ := url.Parse(c.BaseURL)
	return u.Path
}

// absURL makes a site path such as "tags/go/" absolute using the base
// URL. When the base URL is only a path, the result is root-relative.
func (c *SiteConfig) absURL(p string) string { return underBase(c.BaseURL, p) }

// underBase makes the site path p, such as "tags/go/", a URL under base,
// the base path (see [SiteConfig.basePath]) or the base URL: the URL of
// the file [sitepath.Locate] says the page is written to.
func underBase(base, p string) string { return base + sitepath.Ref(p) }
