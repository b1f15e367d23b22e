package generator

import (
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/snapdoc/snapdoc/runner"
)

// CacheDir is where a site's runner keeps its shared HTTP cache, under the
// site's root.
const CacheDir = ".snapdoc/cache"

// RunnerConfig translates the runner section of the site config.
func (c *SiteConfig) RunnerConfig() (runner.Config, error) {
	redact, err := runner.ParseRedactions(c.Runner.Redact)
	if err != nil {
		return runner.Config{}, fmt.Errorf("%s: runner: %w", ConfigFile, err)
	}
	return runner.Config{
		Timeout: c.Runner.Timeout.Duration,
		Hosts:   c.Runner.Hosts,
		Redact:  redact,
	}, nil
}

// newRunner opens the local runner the site's config describes, with its
// shared cache under the site's root. log, which may be nil, receives the
// runner's warnings.
func newRunner(c *SiteConfig, root string, log *slog.Logger) (BlockRunner, func() error, error) {
	cfg, err := c.RunnerConfig()
	if err != nil {
		return nil, nil, err
	}
	cfg.Logger = log
	r, err := runner.Open(cfg, filepath.Join(root, CacheDir))
	if err != nil {
		return nil, nil, err
	}
	return LocalRunner(r), r.Close, nil
}
