package mixsim_test

import (
	"fmt"
	"os"

	"github.com/cbets/cbets/mixer"
	"github.com/cbets/cbets/mixer/mixsim"
)

// ExampleRun simulates a round of five in which one client refuses to sign:
// the server leaves it out, restarts with the other four, and the second
// session completes.
func ExampleRun() {
	rep, err := mixsim.Run(mixsim.Config{
		Participants: 5,
		Audit:        mixer.AuditOwn,
		Faults:       []mixsim.Fault{{Kind: mixsim.Refuse, Client: 3}},
	})
	if err != nil {
		panic(err)
	}
	for i, a := range rep.Attempts {
		fmt.Printf("session %d: %d participants, %v, excluded %v\n", i+1, a.Participants, a.Outcome, a.Excluded)
	}
	fmt.Println("client 3:", rep.Clients[3].Err)
	fmt.Println("owners of the signed transaction:", len(rep.Signed.Transaction().Ring()))
	if err := rep.WriteTable(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// session 1: 5 participants, failed, excluded [3]
	// session 2: 4 participants, complete, excluded []
	// client 3: mixer: participant declined
	// owners of the signed transaction: 4
	// session  stage          messages      bytes
	// 1        announce              5        580
	// 1        request              10       2641
	// 1        generation           10       5145
	// 1        confirmation          5        981
	// 2        announce              0          0
	// 2        request               4       1048
	// 2        generation            8       3532
	// 2        confirmation          9       3056
	// all      all                  51      16983
}
