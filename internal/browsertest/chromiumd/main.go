// Command chromiumd starts the headless Chromium that every browser test of
// a ./test.sh run shares, prints its DevTools address and keeps it until
// SIGTERM or SIGINT, then closes it and removes its profile.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

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
	<-sig
	return nil
}
