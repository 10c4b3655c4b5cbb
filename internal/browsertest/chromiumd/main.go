// Command chromiumd starts the headless Chromium that every browser test of
// a ./test.sh run shares, prints its DevTools address and keeps it until
// SIGTERM or SIGINT (or until its parent has gone), then closes it and
// removes its profile.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"hongdun/internal/browsertest/chromium"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "启动 Chromium 失败:", err)
		os.Exit(1)
	}
}

func run() error {
	path := chromium.Path()
	if path == "" {
		return errors.New("未安装 Chromium")
	}
	b, err := chromium.Start(path)
	if err != nil {
		return err
	}
	defer b.Stop()
	url, err := b.URL()
	if err != nil {
		return err
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	fmt.Println(url)
	select {
	case <-sig:
	case <-orphaned():
	}
	return nil
}

// orphaned is closed when the process that started this one has gone
// without stopping it (test.sh killed), so that no Chromium is left behind.
func orphaned() <-chan struct{} {
	done := make(chan struct{})
	parent := os.Getppid()
	go func() {
		for os.Getppid() == parent {
			time.Sleep(time.Second)
		}
		close(done)
	}()
	return done
}
