package hooks

import (
	"context"
	"fmt"

	"github.com/pocketbase/pocketbase/core"
)

// writeQueue lets one of our write transactions through at a time, in arrival
// order. It does not replace the transaction (which alone makes a code, its
// dossier and its event atomic): database/sql hands SQLite's single write
// connection to a waiter chosen at random, so with ten clerks saving at once
// some waited many turns. Queueing them first bounds each clerk's wait by the
// number of clerks ahead. Blocked channel senders are served first in, first out.
var writeQueue = make(chan struct{}, 1)

// inWriteOrder runs fn in a transaction once every earlier counter action
// (intake, queue calls and tickets, workflow actions) has finished. Inside a
// transaction already (a batch request holds the writer) it runs fn there.
func inWriteOrder(ctx context.Context, app core.App, fn func(tx core.App) error) error {
	if !app.IsTransactional() {
		select {
		case writeQueue <- struct{}{}:
		case <-ctx.Done():
			return fmt.Errorf("wait for the writer: %w", ctx.Err())
		}
		defer func() { <-writeQueue }()
	}
	return app.RunInTransaction(fn)
}
