package testkit

import (
	"testing"

	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// RequireSameTicket requires two tickets to agree in every field a store
// keeps: all but Terms and Cancellation, which a ledger sets from the
// event.
func RequireSameTicket(tb testing.TB, want, got *ticket.Ticket, msgAndArgs ...any) {
	tb.Helper()
	require.NotNil(tb, want, msgAndArgs...)
	require.NotNil(tb, got, msgAndArgs...)
	require.Equal(tb, want.Event, got.Event, msgAndArgs...)
	require.Equal(tb, want.Serial, got.Serial, msgAndArgs...)
	require.True(tb, want.Merchant.Equal(got.Merchant), msgAndArgs...)
	require.True(tb, want.Holder.Equal(got.Holder), msgAndArgs...)
	require.Equal(tb, want.State, got.State, msgAndArgs...)
	require.Equal(tb, want.Age, got.Age, msgAndArgs...)
	require.Equal(tb, want.Price, got.Price, msgAndArgs...)
	require.Equal(tb, want.ListPrice, got.ListPrice, msgAndArgs...)
	require.Equal(tb, want.Payee, got.Payee, msgAndArgs...)
	require.True(tb, want.Issued.Equal(got.Issued), msgAndArgs...)
	require.True(tb, want.Updated.Equal(got.Updated), msgAndArgs...)
	require.Equal(tb, want.Head, got.Head, msgAndArgs...)
}
