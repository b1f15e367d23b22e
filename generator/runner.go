package generator

import (
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/runner/redact"
)

// cacheDir is where a site's runner keeps its shared HTTP cache, under
// the site's root.
const cacheDir = StateDir + "/cache"

// RunnerConfig translates the runner section of the site config.
func (c *SiteConfig) RunnerConfig() (runner.Config, error) {
	redact, err := redact.Parse(c.Runner.Redact)
	if err != nil {
		return runner.Config{}, fmt.Errorf("%s: runner: %w", ConfigFile, err)
	}
	return runner.Config{
		Timeout: c.Runner.Timeout.Duration,
		Hosts:   c.Runner.Hosts,
		Redact:  redact,
	}, nil
}

// OpenRunner opens the local runner the config of the site at root
// describes, with its shared HTTP cache in the site's [StateDir]. log,
// which may be nil, receives the runner's warnings.
func OpenRunner(c *SiteConfig, root string, log *slog.Logger) (*runner.Runner, error) {
	cfg, err := c.RunnerConfig()
	if err != nil {
		return nil, err
	}
	cfg.Logger = log
	return OpenRunnerWith(root, cfg)
}

// OpenRunnerWith is [OpenRunner] with the runner config cfg, made from
// the site's [SiteConfig.RunnerConfig] and then adjusted, such as a
// public runner's.
func OpenRunnerWith(root string, cfg runner.Config) (*runner.Runner, error) {
	if err := stateDir(root); err != nil {
		return nil, err
	}
	return runner.Open(cfg, filepath.Join(root, cacheDir))
}

// newRunner is [OpenRunner] as a build's runner, with its Close.
func newRunner(c *SiteConfig, root string, log *slog.Logger) (BlockRunner, func() error, error) {
	r, err := OpenRunner(c, root, log)
	if err != nil {
		return nil, nil, err
	}
	return LocalRunner(r), r.Close, nil
}
