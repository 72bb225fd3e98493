package main

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"time"
)

// spread summarises repeated measurements of one quantity, in
// milliseconds: the median, the interquartile range P25–P75 and the
// extremes. Quartiles interpolate linearly between the two nearest ranks.
type spread struct {
	N      int     `json:"n"`
	Median float64 `json:"median_ms"`
	P25    float64 `json:"p25_ms"`
	P75    float64 `json:"p75_ms"`
	Min    float64 `json:"min_ms"`
	Max    float64 `json:"max_ms"`
}

// summarise returns the spread of ms, which it does not modify. An empty
// slice gives the zero spread.
func summarise(ms []float64) spread {
	if len(ms) == 0 {
		return spread{}
	}
	s := slices.Clone(ms)
	slices.Sort(s)
	q := func(p float64) float64 {
		pos := p * float64(len(s)-1)
		i := int(math.Floor(pos))
		if i+1 >= len(s) {
			return s[len(s)-1]
		}
		return s[i] + (pos-float64(i))*(s[i+1]-s[i])
	}
	return spread{N: len(s), Median: q(0.5), P25: q(0.25), P75: q(0.75), Min: s[0], Max: s[len(s)-1]}
}

func durationMS(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// sampling says how a Table 8 row is timed.
type sampling struct {
	samples     int           // timed samples of a row, after a warm-up
	batch       time.Duration // target length of one sample
	slowSamples int           // samples of a slow row, one operation each and no warm-up
}

// timing is the outcome of measuring one operation.
type timing struct {
	perOp        spread  // milliseconds per operation, one value per sample
	opsPerSample int     // operations timed together in each sample
	allocs       float64 // heap allocations per operation, over all samples
}

// measure times op. A normal row runs op once to size a batch lasting
// about s.batch, runs one batch as a warm-up, then times s.samples
// batches. A slow row (seconds per operation) is timed s.slowSamples
// times, one operation each, with no warm-up.
func measure(op func() error, s sampling, slow bool) (timing, error) {
	n, k := s.samples, 1
	if slow {
		n = s.slowSamples
	} else {
		elapsed, err := timeBatch(op, 1)
		if err != nil {
			return timing{}, err
		}
		k = batchSize(s.batch, elapsed, 1)
		if elapsed, err = timeBatch(op, k); err != nil {
			return timing{}, err
		}
		k = batchSize(s.batch, elapsed, k)
	}
	if n < 1 {
		return timing{}, fmt.Errorf("paper: %d samples, want at least 1", n)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ms := make([]float64, n)
	for i := range ms {
		elapsed, err := timeBatch(op, k)
		if err != nil {
			return timing{}, err
		}
		ms[i] = durationMS(elapsed) / float64(k)
	}
	runtime.ReadMemStats(&after)
	return timing{
		perOp:        summarise(ms),
		opsPerSample: k,
		allocs:       float64(after.Mallocs-before.Mallocs) / float64(n*k),
	}, nil
}

func timeBatch(op func() error, k int) (time.Duration, error) {
	start := time.Now()
	for range k {
		if err := op(); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

// batchSize returns how many operations last about target when k of them
// took elapsed: at least 1, at most a million.
func batchSize(target, elapsed time.Duration, k int) int {
	if elapsed <= 0 {
		return 1_000_000
	}
	n := float64(target) / (float64(elapsed) / float64(k))
	return int(max(1, min(n, 1_000_000)))
}
