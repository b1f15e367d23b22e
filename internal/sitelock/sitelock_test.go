package sitelock

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSecondHolderWaitsOrFails(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	first, err := Acquire(ctx, "site", dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(ctx, "site", dir, Options{NoWait: true})
	var busy *BusyError
	if !errors.As(err, &busy) || busy.PID != os.Getpid() {
		t.Fatalf("second Acquire with NoWait: %v, want a BusyError naming pid %d", err, os.Getpid())
	}
	if !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) {
		t.Errorf("error %q does not name the holder", err)
	}

	var said bytes.Buffer
	got := make(chan error, 1)
	go func() {
		l, err := Acquire(ctx, "site", dir, Options{Waiting: &said})
		if err == nil {
			err = l.Release()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("a second Acquire returned (%v) while the first held the lock", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	want := "waiting for another snapdoc build in site (pid " + strconv.Itoa(os.Getpid()) + ")...\n"
	if said.String() != want {
		t.Errorf("the waiting Acquire said %q, want %q", said.String(), want)
	}
}

func TestWaitEndsWithContext(t *testing.T) {
	dir := t.TempDir()
	l, err := Acquire(context.Background(), "site", dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := Acquire(ctx, "site", dir, Options{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Acquire on a held lock with a deadline: %v", err)
	}
}
