package service

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkPublicReplicas runs 10,000 runs of one cacheable block by
// 1,000 readers spread over three replicas that share their stores, and
// reports the requests that reached the origin, the latency of a run
// (p50, p99) and the runs per second each replica served.
func BenchmarkPublicReplicas(b *testing.B) {
	const runs, readers, workers = 10_000, 1_000, 64
	origin := newPublicOrigin(b)
	var lat []time.Duration
	var elapsed time.Duration
	var originHits int64
	for b.Loop() {
		b.StopTimer()
		origin.hits.Store(0)
		sh := newShared(Budget{}, Budget{})
		var replicas []*httptest.Server
		for range 3 {
			srv, _ := newReplica(b, origin, sh, "127.0.0.0/8")
			replicas = append(replicas, srv)
		}
		c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
		lat = make([]time.Duration, runs)
		var next atomic.Int64
		var failed atomic.Int64
		var wg sync.WaitGroup
		b.StartTimer()
		start := time.Now()
		for range workers {
			wg.Go(func() {
				for {
					i := int(next.Add(1)) - 1
					if i >= runs {
						return
					}
					t0 := time.Now()
					resp := readerRun(b, c, replicas[i%3].URL, "get", hashOf("get"), fmt.Sprintf("10.%d.%d.1", i%readers/256, i%readers%256))
					lat[i] = time.Since(t0)
					if resp.StatusCode != 200 {
						failed.Add(1)
					}
				}
			})
		}
		wg.Wait()
		elapsed = time.Since(start)
		b.StopTimer()
		if n := failed.Load(); n > 0 {
			b.Fatalf("%d of %d runs failed", n, runs)
		}
		originHits = origin.hits.Load()
		c.CloseIdleConnections()
		for _, r := range replicas {
			r.Close()
		}
		b.StartTimer()
	}
	slices.Sort(lat)
	b.ReportMetric(float64(originHits), "origin-requests")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(runs)/elapsed.Seconds()/3, "runs/s/replica")
}
