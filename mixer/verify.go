package mixer

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// parallel calls f(0) … f(n−1) on up to workers goroutines (GOMAXPROCS when
// workers ≤ 0) and returns when every call has returned. With one worker, or
// one item, it runs on the caller's goroutine. This is the package's only
// concurrency: nothing outlives the call.
func parallel(n, workers int, f func(i int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
}
