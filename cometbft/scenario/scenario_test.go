package scenario

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/cometbft/localnet"
	"github.com/cbets/cbets/ticket"
)

// TestFourValidators runs the life cycle on four validators on free
// loopback ports: the event's publication, then buy → list → transfer →
// consume commit; a second publication under the event's id, a second transfer
// and forged consumptions are refused; with one validator stopped the
// others keep committing with equal app hashes; the stopped one restarts
// and catches up to the same app hash, then commits again with the others.
func TestFourValidators(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a CometBFT network")
	}
	start := time.Now()
	cast, err := NewCast()
	if err != nil {
		t.Fatal(err)
	}
	net, err := localnet.Start(localnet.Config{Validators: 4, Dir: t.TempDir(), AppState: cast.Genesis})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := net.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	var out strings.Builder
	rep, err := Run(ctx, net, cast, &out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}

	all, three := []int{0, 1, 2, 3}, []int{0, 1, 2}
	committed := func(name string, agreed []int) *Step {
		t.Helper()
		s := rep.Step(name)
		switch {
		case s == nil:
			t.Fatalf("%s: no such step", name)
		case !s.Committed || s.Height < 2:
			t.Fatalf("%s: not committed: %+v", name, s)
		case !slices.Equal(s.Agreed, agreed) || s.AgreedAt < s.Height || len(s.AppHash) != 32:
			t.Fatalf("%s: agreed by %v at %d (hash %x), want %v at ≥ %d", name, s.Agreed, s.AgreedAt, s.AppHash, agreed, s.Height)
		}
		return s
	}
	refused := func(name string, code uint32) {
		t.Helper()
		s := rep.Step(name)
		if s == nil || s.Committed || s.Code != code {
			t.Fatalf("%s: %+v, want refused with code %d", name, s, code)
		}
	}

	var prev *Step
	for _, name := range []string{StepPublish, StepBuy, StepList, StepTransfer} {
		s := committed(name, all)
		if prev != nil && (s.Height <= prev.Height || bytes.Equal(s.AppHash, prev.AppHash)) {
			t.Fatalf("%s: height %d, hash %x after %d, %x", name, s.Height, s.AppHash, prev.Height, prev.AppHash)
		}
		prev = s
	}
	refused(StepRepublish, app.CodeEventExists)
	refused(StepSecondTransfer, app.CodeStale)
	refused(StepForgedHolder, app.CodeNotHolder)
	refused(StepForgedOmega, app.CodeSignature)

	if rep.Stopped != 3 {
		t.Fatalf("stopped validator %d, want 3", rep.Stopped)
	}
	if rep.StoppedAt < prev.Height || rep.Resumed < rep.StoppedAt {
		t.Fatalf("validator 3 stopped at height %d and resumed from %d (transfer at %d)", rep.StoppedAt, rep.Resumed, prev.Height)
	}
	consume := committed(StepConsume, three)
	down := committed(StepBuyWhileDown, three)
	if consume.Height <= prev.Height || down.Height <= consume.Height {
		t.Fatalf("heights %d, %d after %d", consume.Height, down.Height, prev.Height)
	}
	restart := committed(StepRestart, all)
	if restart.AgreedAt < down.AgreedAt {
		t.Fatalf("restarted validator agreed at %d, before %d", restart.AgreedAt, down.AgreedAt)
	}
	if restart.AgreedAt == down.AgreedAt && !bytes.Equal(restart.AppHash, down.AppHash) {
		t.Fatalf("app hash %x after restart, %x before", restart.AppHash, down.AppHash)
	}
	after := committed(StepBuyAfter, all)
	if after.Height <= restart.AgreedAt {
		t.Fatalf("buy after restart at height %d, not after %d", after.Height, restart.AgreedAt)
	}

	// The restarted validator serves the whole history, which replays.
	if rep.Final == nil || rep.Final.State != ticket.Consumed || rep.Final.Holder.ID() != "frank" || len(rep.History) != 4 {
		t.Fatalf("final ticket %+v with %d records", rep.Final, len(rep.History))
	}
	for i, k := range []ticket.Kind{ticket.KindBuy, ticket.KindList, ticket.KindTransfer, ticket.KindConsume} {
		if rep.History[i].Request.Kind != k {
			t.Fatalf("record %d is a %v, want %v", i, rep.History[i].Request.Kind, k)
		}
	}
	// Every validator's application reports the same last block.
	h, hash, err := net.WaitAgree(ctx, after.Height)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range net.Validators() {
		info, err := v.Client().ABCIInfo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.Response.LastBlockHeight < h || (info.Response.LastBlockHeight == h && !bytes.Equal(info.Response.LastBlockAppHash, hash)) {
			t.Fatalf("validator %d: Info %d %x, want %d %x", v.Index, info.Response.LastBlockHeight, info.Response.LastBlockAppHash, h, hash)
		}
	}
	t.Logf("scenario took %v (restart caught up in %v)", time.Since(start).Round(time.Millisecond), rep.CatchUp.Round(time.Millisecond))
}
