package base

import (
	"context"
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// UntilTerminate is a context cancelled when the app terminates.
func UntilTerminate(app core.App) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		cancel()
		return e.Next()
	})
	return ctx
}

// RunEvery runs fn at once and then every period, in a goroutine, until ctx is
// done or the app is no longer bootstrapped (its database closed). A panic in
// fn is logged and the next turn runs: the database closing under a turn at
// shutdown must not take the process down, nor one bad turn the server.
func RunEvery(ctx context.Context, app core.App, period time.Duration, name string, fn func()) {
	go func() {
		tick := time.NewTicker(period)
		defer tick.Stop()
		for {
			if ctx.Err() != nil || !app.IsBootstrapped() {
				return
			}
			func() {
				defer func() {
					if r := recover(); r != nil && ctx.Err() == nil && app.IsBootstrapped() {
						app.Logger().Error(name, "panic", fmt.Sprint(r))
					}
				}()
				fn()
			}()
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
}
