package tax_test

import (
	"fmt"
	"log"

	"github.com/cbets/cbets/tax"
)

func Example() {
	cents, err := tax.NewScale(100)
	if err != nil {
		log.Fatal(err)
	}
	price, _ := cents.Parse("50.00")
	schedule := tax.Table5(cents)
	for _, ask := range []string{"49.00", "53.00", "53.01", "53.52"} {
		resale, _ := cents.Parse(ask)
		st, err := schedule.Settle(price, resale)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("resold at %s: tax %s, seller gets %s\n", ask, cents.Format(st.Tax), cents.Format(st.Payout))
	}
	// Output:
	// resold at 49.00: tax 0.00, seller gets 49.00
	// resold at 53.00: tax 1.59, seller gets 51.41
	// resold at 53.01: tax 1.81, seller gets 51.20
	// resold at 53.52: tax 2.11, seller gets 51.41
}

func ExampleSchedule_SettleDiscounted() {
	cents, _ := tax.NewScale(100)
	schedule := tax.Table5(cents)
	price, _ := cents.Parse("50.00")
	resale, _ := cents.Parse("60.00")
	for _, reputation := range []int64{1500, 1501} {
		st, err := schedule.SettleDiscounted(price, resale, reputation, tax.PaperDiscount())
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("reputation %d: tax %s, discounted %v\n", reputation, cents.Format(st.Tax), st.Discounted)
	}
	// Output:
	// reputation 1500: tax 7.00, discounted false
	// reputation 1501: tax 5.60, discounted true
}

func ExampleSchedule_Notches() {
	cents, _ := tax.NewScale(100)
	for _, n := range tax.Table5(cents).Notches() {
		fmt.Printf("asking %s over cost keeps %s; asking more keeps less up to %s\n",
			cents.Format(n.Edge), cents.Format(n.Keep), cents.Format(n.Until-1))
	}
	// Output:
	// asking 3.00 over cost keeps 1.41; asking more keeps less up to 3.51
	// asking 9.00 over cost keeps 3.60; asking more keeps less up to 11.98
	// asking 18.00 over cost keeps 5.40; asking more keeps less up to 21.58
	// asking 70.00 over cost keeps 17.50; asking more keeps less up to 87.47
	// asking 110.00 over cost keeps 22.00; asking more keeps less up to 146.63
	// asking 160.00 over cost keeps 24.00; asking more keeps less up to 479.90
}

func ExampleTable5Marginal() {
	cents, _ := tax.NewScale(100)
	full, marginal := tax.Table5(cents), tax.Table5Marginal(cents)
	for _, d := range []string{"3.00", "3.01", "200.00"} {
		diff, _ := cents.Parse(d)
		fmt.Printf("difference %s: full rate %s, marginal %s\n", d, cents.Format(full.Tax(diff)), cents.Format(marginal.Tax(diff)))
	}
	// Output:
	// difference 3.00: full rate 1.59, marginal 1.59
	// difference 3.01: full rate 1.81, marginal 1.60
	// difference 200.00: full rate 190.00, marginal 162.99
}

func ExampleEquation41() {
	cents, _ := tax.NewScale(100)
	quad := tax.Equation41(cents)
	for _, d := range []string{"1.00", "2.00", "2.99", "10.00"} {
		diff, _ := cents.Parse(d)
		fmt.Printf("difference %s: tax %s\n", d, cents.Format(quad.Tax(diff)))
	}
	// Output:
	// difference 1.00: tax 0.25
	// difference 2.00: tax 1.00
	// difference 2.99: tax 2.24
	// difference 10.00: tax 10.00
}

func ExampleNewFullRate() {
	coins, _ := tax.NewScale(1)
	schedule, err := tax.NewFullRate(coins, []tax.Bracket{
		{Over: 0, Rate: 20 * tax.Percent},
		{Over: 10, Rate: 40 * tax.Percent},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(schedule.Tax(10), schedule.Tax(11))

	_, err = tax.NewFullRate(coins, []tax.Bracket{{Over: 0, Rate: 120 * tax.Percent}})
	fmt.Println(err)
	// Output:
	// 2 4
	// tax: rate out of range: bracket 0 has rate 12000 basis points, above 100%
}

func ExampleScale_Parse() {
	cents, _ := tax.NewScale(100)
	for _, s := range []string{"2.99", "3", "2.999", "3,00"} {
		a, err := cents.Parse(s)
		fmt.Println(a, err)
	}
	// Output:
	// 299 <nil>
	// 300 <nil>
	// 0 tax: amount finer than the unit scale: "2.999" has more than 2 decimals
	// 0 tax: invalid amount syntax: "3,00"
}

func ExamplePaperSetting() {
	market, err := tax.NewMarket(tax.PaperSetting())
	if err != nil {
		log.Fatal(err)
	}
	res, err := market.Run()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("converged %v after %d iterations, volume %.2f\n", res.Converged, res.Iterations, res.Volume)
	// Output:
	// converged true after 16 iterations, volume 23.77
}

func ExampleMarket_Run() {
	market, err := tax.NewMarket(tax.PaperSetting())
	if err != nil {
		log.Fatal(err)
	}
	res, err := market.Run()
	if err != nil {
		log.Fatal(err)
	}
	for _, st := range res.Steps[:4] {
		fmt.Printf("round %d: volume %.2f, objective %.4f, RA %.4f, RE %.4f\n", st.Iteration, st.Volume, st.Objective, st.RA, st.RE)
	}
	// Output:
	// round 1: volume 43.75, objective 0.0792, RA 0.3815, RE 0.1927
	// round 2: volume 29.83, objective 0.1984, RA 0.1579, RE 0.0910
	// round 3: volume 26.98, objective 0.2154, RA 0.0572, RE 0.0152
	// round 4: volume 25.74, objective 0.2213, RA 0.0305, RE 0.0064
}

func ExampleMarket_RunSeeded() {
	market, err := tax.NewMarket(tax.PaperSetting())
	if err != nil {
		log.Fatal(err)
	}
	res, err := market.RunSeeded(1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("converged %v after %d iterations, volume %.1f\n", res.Converged, res.Iterations, res.Volume)
	// Output:
	// converged true after 21 iterations, volume 23.7
}
