package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/snapdoc/snapdoc/runner"
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
}

// RunnerConfig is the runner section of snapdoc.yaml.
type RunnerConfig struct {
	Timeout Duration `yaml:"timeout"`
	Hosts   Routes   `yaml:"hosts"`
	Redact  Redact   `yaml:"redact"`
	Headers []string `yaml:"headers"` // response headers shown on pages
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

// Redact lists the runner's redaction specs, such as "header:Date"; see
// [runner.ParseRedactions].
type Redact []string

// UnmarshalYAML decodes a list of redaction specs, each checked by
// [runner.ParseRedactions].
func (r *Redact) UnmarshalYAML(n *yaml.Node) error {
	var specs []string
	if err := n.Decode(&specs); err != nil {
		return err
	}
	for _, item := range n.Content {
		if _, err := runner.ParseRedactions([]string{item.Value}); err != nil {
			return fmt.Errorf("line %d: runner.%v", item.Line, err)
		}
	}
	*r = specs
	return nil
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

// basePath is the path part of the base URL, with a trailing slash.
func (c *SiteConfig) basePath() string {
	u, _ := url.Parse(c.BaseURL)
	return u.Path
}

// absURL makes a site path such as "tags/go/" absolute using the base
// URL. When the base URL is only a path, the result is root-relative.
func (c *SiteConfig) absURL(p string) string {
	return c.BaseURL + strings.TrimPrefix(p, "/")
}

// underBase makes the site path p, such as "tags/go/", a root-relative
// URL under base, the base path (see [SiteConfig.basePath]).
func underBase(base, p string) string { return base + strings.TrimPrefix(p, "/") }
