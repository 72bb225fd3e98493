package tax_test

// Every exported function and method of the package, called with nil and
// zero-value arguments and receivers: nothing panics, and where an error is
// returned it matches the documented sentinel. TestNilInputCoversAPI checks
// that every exported identifier appears in this file.

import (
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/tax"
	"github.com/stretchr/testify/require"
)

// nilCase is one call: want is the sentinel its error must match, or nil
// when the call must succeed or returns no error (testkit.Err2, Err3 and
// NoErr adapt calls to it).
type nilCase struct {
	name string
	want error
	call func() error
}

func TestNilInput(t *testing.T) {
	var (
		nilSchedule  *tax.Schedule
		zeroSchedule = new(tax.Schedule)
		nilMarket    *tax.Market
		zeroMarket   = new(tax.Market)
		zeroScale    tax.Scale
		zeroDiscount tax.Discount
		zeroParams   tax.Params
		zeroAmount   tax.Amount
	)
	market, err := tax.NewMarket(tax.PaperSetting())
	require.NoError(t, err)
	full := tax.Table5(zeroScale)
	cents, err := tax.NewScale(100)
	require.NoError(t, err)
	nan := math.NaN()

	cases := []nilCase{
		// Scale and amounts
		{"NewScale 0", tax.ErrScale, func() error { return testkit.Err2(tax.NewScale(0)) }},
		{"Scale.UnitsPerCoin zero", nil, testkit.NoErr(func() { require.Equal(t, int64(1), zeroScale.UnitsPerCoin()) })},
		{"Scale.Decimals zero", nil, testkit.NoErr(func() { require.Zero(t, zeroScale.Decimals()) })},
		{"Scale.Coins zero", nil, func() error { return testkit.Err2(zeroScale.Coins(0)) }},
		{"Scale.Coins overflow", tax.ErrOverflow, func() error { return testkit.Err2(cents.Coins(math.MaxInt64)) }},
		{"Scale.Parse empty", tax.ErrSyntax, func() error { return testkit.Err2(zeroScale.Parse("")) }},
		{"Scale.Parse precision", tax.ErrPrecision, func() error { return testkit.Err2(zeroScale.Parse("0.5")) }},
		{"Scale.Format zero", nil, testkit.NoErr(func() { require.Equal(t, "0", zeroScale.Format(zeroAmount)) })},
		{"Scale.String zero", nil, testkit.NoErr(func() { require.Equal(t, "1 units per coin", zeroScale.String()) })},
		{"MaxScaleExponent", tax.ErrScale, func() error { return testkit.Err2(tax.NewScale(int64(math.Pow10(tax.MaxScaleExponent + 1)))) }},

		// Rates, kinds, models
		{"Rate.String zero", nil, testkit.NoErr(func() { require.Equal(t, "0%", tax.Rate(0).String()) })},
		{"Rate units", nil, testkit.NoErr(func() { require.Equal(t, tax.MaxRate, 100*tax.Percent*tax.BasisPoint) })},
		{"Kind.String zero", nil, testkit.NoErr(func() { require.Equal(t, "Kind(0)", tax.Kind(0).String()) })},
		{"Kind names", nil, testkit.NoErr(func() {
			for _, k := range []tax.Kind{tax.FullRate, tax.Marginal, tax.Quadratic} {
				require.NotContains(t, k.String(), "Kind(")
			}
		})},
		{"Model.String zero", nil, testkit.NoErr(func() { require.Equal(t, "Model(0)", tax.Model(0).String()) })},
		{"Model names", nil, testkit.NoErr(func() {
			for _, m := range []tax.Model{tax.ModelPrinted, tax.ModelConcave} {
				require.NotContains(t, m.String(), "Model(")
			}
		})},

		// Schedule constructors
		{"NewFullRate nil brackets", tax.ErrBrackets, func() error { return testkit.Err2(tax.NewFullRate(zeroScale, nil)) }},
		{"NewMarginal nil brackets", tax.ErrBrackets, func() error { return testkit.Err2(tax.NewMarginal(zeroScale, nil)) }},
		{"NewFullRate zero bracket", nil, func() error { return testkit.Err2(tax.NewFullRate(zeroScale, []tax.Bracket{{}})) }},
		{"NewMarginal zero bracket", nil, func() error { return testkit.Err2(tax.NewMarginal(zeroScale, []tax.Bracket{{}})) }},
		{"NewFullRate rate above 100%", tax.ErrRate, func() error {
			return testkit.Err2(tax.NewFullRate(zeroScale, []tax.Bracket{{Rate: tax.MaxRate + 1}}))
		}},
		{"Table5Brackets zero scale", nil, testkit.NoErr(func() { require.Len(t, tax.Table5Brackets(zeroScale), 7) })},
		{"Table5 zero scale", nil, testkit.NoErr(func() { require.Equal(t, tax.FullRate, tax.Table5(zeroScale).Kind()) })},
		{"Table5Marginal zero scale", nil, testkit.NoErr(func() { require.Equal(t, tax.Marginal, tax.Table5Marginal(zeroScale).Kind()) })},
		{"Equation41 zero scale", nil, testkit.NoErr(func() { require.Equal(t, tax.Quadratic, tax.Equation41(zeroScale).Kind()) })},

		// Schedule methods on nil and zero receivers
		{"Schedule.Kind nil", nil, testkit.NoErr(func() { require.Zero(t, nilSchedule.Kind()) })},
		{"Schedule.Kind zero", nil, testkit.NoErr(func() { require.Zero(t, zeroSchedule.Kind()) })},
		{"Schedule.Scale nil", nil, testkit.NoErr(func() { require.Equal(t, zeroScale, nilSchedule.Scale()) })},
		{"Schedule.Scale zero", nil, testkit.NoErr(func() { require.Equal(t, zeroScale, zeroSchedule.Scale()) })},
		{"Schedule.Brackets nil", nil, testkit.NoErr(func() { require.Nil(t, nilSchedule.Brackets()) })},
		{"Schedule.Brackets zero", nil, testkit.NoErr(func() { require.Nil(t, zeroSchedule.Brackets()) })},
		{"Schedule.Tax nil", nil, testkit.NoErr(func() { require.Zero(t, nilSchedule.Tax(100)) })},
		{"Schedule.Tax zero", nil, testkit.NoErr(func() { require.Zero(t, zeroSchedule.Tax(100)) })},
		{"Schedule.Tax zero difference", nil, testkit.NoErr(func() { require.Zero(t, full.Tax(zeroAmount)) })},
		{"Schedule.Notches nil", nil, testkit.NoErr(func() { require.Nil(t, nilSchedule.Notches()) })},
		{"Schedule.Notches zero", nil, testkit.NoErr(func() { require.Nil(t, zeroSchedule.Notches()) })},
		{"Schedule.Settle nil", tax.ErrSchedule, func() error { return testkit.Err2(nilSchedule.Settle(1, 2)) }},
		{"Schedule.Settle zero", tax.ErrSchedule, func() error { return testkit.Err2(zeroSchedule.Settle(1, 2)) }},
		{"Schedule.Settle zero amounts", nil, func() error { return testkit.Err2(full.Settle(zeroAmount, zeroAmount)) }},
		{"Schedule.Settle negative", tax.ErrNegative, func() error { return testkit.Err2(full.Settle(-1, 0)) }},
		{"Schedule.SettleDiscounted nil", tax.ErrSchedule, func() error {
			return testkit.Err2(nilSchedule.SettleDiscounted(1, 2, 0, zeroDiscount))
		}},
		{"Schedule.SettleDiscounted zero", tax.ErrSchedule, func() error {
			return testkit.Err2(zeroSchedule.SettleDiscounted(1, 2, 0, zeroDiscount))
		}},
		{"Schedule.SettleDiscounted zero discount", nil, func() error {
			st, err := full.SettleDiscounted(0, 10, math.MaxInt64, zeroDiscount)
			require.False(t, st.Discounted)
			return err
		}},

		// Discount
		{"NewDiscount zero", nil, func() error { return testkit.Err2(tax.NewDiscount(0, 0)) }},
		{"NewDiscount above 100%", tax.ErrRate, func() error { return testkit.Err2(tax.NewDiscount(0, tax.MaxRate+1)) }},
		{"PaperDiscount", nil, testkit.NoErr(func() { require.True(t, tax.PaperDiscount().Applies(1501)) })},
		{"Discount.Threshold zero", nil, testkit.NoErr(func() { require.Zero(t, zeroDiscount.Threshold()) })},
		{"Discount.Charged zero", nil, testkit.NoErr(func() { require.Equal(t, tax.MaxRate, zeroDiscount.Charged()) })},
		{"Discount.Applies zero", nil, testkit.NoErr(func() { require.False(t, zeroDiscount.Applies(math.MaxInt64)) })},

		// Market constructors
		{"NewMarket zero params", tax.ErrParams, func() error { return testkit.Err2(tax.NewMarket(zeroParams)) }},
		{"NewMarket NaN", tax.ErrParams, func() error {
			p := tax.PaperSetting()
			p.Eta = nan
			return testkit.Err2(tax.NewMarket(p))
		}},
		{"NewMarket too many agents", tax.ErrParams, func() error {
			p := tax.PaperSetting()
			p.TransferMax = make([]float64, tax.MaxAgents)
			return testkit.Err2(tax.NewMarket(p))
		}},
		{"NewMarket too many iterations", tax.ErrParams, func() error {
			p := tax.PaperSetting()
			p.MaxIterations = tax.MaxMarketIterations + 1
			return testkit.Err2(tax.NewMarket(p))
		}},
		{"PaperSetting", nil, func() error { return testkit.Err2(tax.NewMarket(tax.PaperSetting())) }},

		// Market methods on nil and zero receivers
		{"Market.Params nil", nil, testkit.NoErr(func() { require.Zero(t, nilMarket.Params().Model) })},
		{"Market.Params zero", nil, testkit.NoErr(func() { require.Zero(t, zeroMarket.Params().Model) })},
		{"Market.Buyers nil", nil, testkit.NoErr(func() { require.Zero(t, nilMarket.Buyers()) })},
		{"Market.Buyers zero", nil, testkit.NoErr(func() { require.Zero(t, zeroMarket.Buyers()) })},
		{"Market.Transferees nil", nil, testkit.NoErr(func() { require.Zero(t, nilMarket.Transferees()) })},
		{"Market.Transferees zero", nil, testkit.NoErr(func() { require.Zero(t, zeroMarket.Transferees()) })},
		{"Market.Satisfaction nil", tax.ErrDomain, func() error { return testkit.Err2(nilMarket.Satisfaction(0, 0)) }},
		{"Market.Satisfaction zero", tax.ErrDomain, func() error { return testkit.Err2(zeroMarket.Satisfaction(0, 0)) }},
		{"Market.Satisfaction NaN", tax.ErrDomain, func() error { return testkit.Err2(market.Satisfaction(0, nan)) }},
		{"Market.Cost nil", tax.ErrDomain, func() error { return testkit.Err2(nilMarket.Cost(0, 0)) }},
		{"Market.Cost zero", tax.ErrDomain, func() error { return testkit.Err2(zeroMarket.Cost(0, 0)) }},
		{"Market.Cost NaN", tax.ErrDomain, func() error { return testkit.Err2(market.Cost(0, nan)) }},
		{"Market.BuyerBid nil", tax.ErrDomain, func() error { return testkit.Err2(nilMarket.BuyerBid(0, 0, 0)) }},
		{"Market.BuyerBid zero", tax.ErrDomain, func() error { return testkit.Err2(zeroMarket.BuyerBid(0, 0, 0)) }},
		{"Market.BuyerBid NaN", tax.ErrDomain, func() error { return testkit.Err2(market.BuyerBid(0, nan, 1)) }},
		{"Market.TransfereeBid nil", tax.ErrDomain, func() error { return testkit.Err2(nilMarket.TransfereeBid(0, 0)) }},
		{"Market.TransfereeBid zero", tax.ErrDomain, func() error { return testkit.Err2(zeroMarket.TransfereeBid(0, 0)) }},
		{"Market.TransfereeBid zero volume", nil, func() error { return testkit.Err2(market.TransfereeBid(0, 0)) }},
		{"Market.Run nil", tax.ErrParams, func() error { return testkit.Err2(nilMarket.Run()) }},
		{"Market.Run zero", tax.ErrParams, func() error { return testkit.Err2(zeroMarket.Run()) }},
		{"Market.RunSeeded nil", tax.ErrParams, func() error { return testkit.Err2(nilMarket.RunSeeded(0)) }},
		{"Market.RunSeeded zero", tax.ErrParams, func() error { return testkit.Err2(zeroMarket.RunSeeded(0)) }},

		// Result, Step, Settlement, Notch and Bracket are plain values.
		{"zero Result and Step", nil, testkit.NoErr(func() {
			var r tax.Result
			var s tax.Step
			require.Zero(t, r.Iterations+s.Iteration)
		})},
		{"zero Settlement and Notch", nil, testkit.NoErr(func() {
			var st tax.Settlement
			var n tax.Notch
			require.Zero(t, st.Tax+n.Keep)
		})},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		require.False(t, seen[c.name], "case %q twice", c.name)
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = c.call() })
			if c.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, c.want)
			require.Len(t, prefix.FindAllString(err.Error(), -1), 1, "package prefix repeated: %v", err)
		})
	}
	t.Logf("%d cases", len(cases))
}

// prefix finds the package prefix ("syntax: " is not one).
var prefix = regexp.MustCompile(`\btax: `)

// The sentinels: every error of the package wraps one of them.
var sentinels = []error{tax.ErrScale, tax.ErrRate, tax.ErrBrackets, tax.ErrSchedule, tax.ErrNegative,
	tax.ErrOverflow, tax.ErrSyntax, tax.ErrPrecision, tax.ErrParams, tax.ErrDomain, tax.ErrNumeric}

func TestSentinelsDistinct(t *testing.T) {
	for i, a := range sentinels {
		require.True(t, strings.HasPrefix(a.Error(), "tax: "), a.Error())
		for _, b := range sentinels[i+1:] {
			require.NotErrorIs(t, a, b)
		}
	}
}

// Every exported identifier of the package appears in this file: a new
// function, method or type needs its nil and zero-value cases here.
func TestNilInputCoversAPI(t *testing.T) {
	t.Logf("%d exported identifiers", testkit.RequireCoversAPI(t, "nilinput_test.go"))
}
