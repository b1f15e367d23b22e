package preview_test

import (
	"context"
	"log"
	"net/http"
	"os/signal"
	"syscall"

	"github.com/snapdoc/snapdoc/generator/preview"
)

// build stands for the generator: it rebuilds what the changed paths affect
// and returns the whole site, the output paths it changed, and an error with
// a position when the build failed.
func build(changed []string) (files map[string][]byte, outChanged []string, err *preview.BuildError) {
	return map[string][]byte{"index.html": []byte("<body>hello</body>")}, nil, nil
}

// Example wires a Watcher and a Server into a preview command.
func Example() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	srv := preview.NewServer(preview.ServerOptions{})
	files, _, _ := build(nil)
	srv.Update(files, nil)

	w, err := preview.NewWatcher(".", []string{"content", "templates", "snapshots", "snapdoc.yaml"}, preview.WatchOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Close()
	go func() {
		for batch := range w.Batches() {
			files, changed, err := build(batch)
			if err != nil {
				srv.SetError(*err) // the last good site stays served
				continue
			}
			srv.Update(files, changed)
		}
	}()

	hs := &http.Server{Addr: "127.0.0.1:1313", Handler: srv}
	hs.RegisterOnShutdown(srv.Close) // end the event streams, or Shutdown waits for them
	go func() {
		<-ctx.Done()
		hs.Shutdown(context.Background())
	}()
	if err := hs.ListenAndServe(); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
