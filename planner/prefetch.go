package planner

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"

	"github.com/teamsql/msteams/graph"
)

// fanOutDepth is how many listings (or GETs) of a multi-key read are in
// flight at once: a fan-out over 60 channels then costs about 15 round
// trips instead of 60. Rows still come out in key order. Four stays
// within Graph's per-app concurrency guidance for Teams resources.
const fanOutDepth = 4

// pendingRead is the first request for one set of key values, started
// ahead of need.
type pendingRead struct {
	keys  map[string]driver.Value
	done  chan struct{}
	pager Pager       // listings: the pager, already past its first page
	page  *graph.Page // listings: the first page
	body  []byte      // GETs: the entity
	err   error
}

// topUp starts reads for upcoming key values until fanOutDepth are in
// flight. Keys are drawn here, on the consumer's goroutine, because the
// key iterator may itself be reading a parent table.
func (it *scanIter) topUp(ctx context.Context) error {
	for len(it.queue) < fanOutDepth && !it.keysDone {
		keys, err := it.keys.next(ctx)
		if errors.Is(err, io.EOF) {
			it.keysDone = true
			return nil
		}
		if err != nil {
			return err
		}
		p := &pendingRead{keys: keys, done: make(chan struct{})}
		go it.start(ctx, p, it.scan.graphRequest(keys))
		it.queue = append(it.queue, p)
	}
	return nil
}

func (it *scanIter) start(ctx context.Context, p *pendingRead, req graph.Request) {
	defer close(p.done)
	if it.scan.get {
		p.body, p.err = it.f.Get(ctx, req)
		return
	}
	p.pager = it.f.List(req)
	p.page, p.err = p.pager.Next(ctx)
}

// takeRead waits for the oldest started read.
func (it *scanIter) takeRead(ctx context.Context) (*pendingRead, error) {
	if err := it.topUp(ctx); err != nil {
		return nil, err
	}
	if len(it.queue) == 0 {
		return nil, io.EOF
	}
	p := it.queue[0]
	it.queue = it.queue[1:]
	select {
	case <-p.done:
		return p, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
