package redisstore_test

import (
	"log"

	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/runner/redisstore"
	"github.com/snapdoc/snapdoc/runner/service"
)

// The package's types fit the public runner's hooks.
var (
	_ service.Budgets   = (*redisstore.Budgets)(nil)
	_ service.Collapser = (*redisstore.Store)(nil)
)

// Example shows how snapdoc runner --public --store redis://HOST:PORT/DB
// wires the package into the runner's hooks.
func Example() {
	c, err := redisstore.Open("redis://127.0.0.1:6379/0")
	if err != nil {
		log.Fatal(err) // a malformed URL; an unreachable Redis is not an error
	}
	defer c.Close()
	store := c.Store(redisstore.StoreConfig{
		MaxBytes: 256 << 20,
		Targets:  []string{"Snapdoc-Cache-Control", "CDN-Cache-Control"}, // as the cache's httpcache.WithTargets
	})
	budgets := c.Budgets(redisstore.BudgetConfig{}) // 30 runs/min (burst 10) per client, 600/min to the origin

	metrics := service.NewMetrics(c.Collectors()...)
	var rc runner.Config
	rc.SharedStore = store // the shared cache's entries, in Redis
	rc.SharedCache = true
	rc.Origin = service.OriginBudget(budgets, nil) // what leaves the cache pays the origin budget
	svc := &service.Service{
		Public:   true,
		Budgets:  budgets, // each reader's budget, across replicas
		Collapse: store,   // identical runs, across replicas
		Metrics:  metrics,
	}
	_ = svc
	// Still to wire in the runner: httpcache.WithCollapser(store) on the
	// shared cache runner.Open builds (misses across replicas), and
	// c.Ready() in /readyz (degraded, still serving).
}
