package main

import "time"

func runProtocolForTest(transfers int) (*protocolRun, error) {
	registrar, scale, err := newSystem()
	if err != nil {
		return nil, err
	}
	return runProtocol(registrar, scale, transfers)
}

// testConfig measures as little as gives every figure.
func testConfig() config {
	return config{runs: 3, warmUp: 1, table8: sampling{samples: 2, batch: time.Millisecond, slowSamples: 1}}
}

// Synthetic Table 8 medians, in ms, for tests that check the report's
// arithmetic and text without timing anything.
const (
	fakeVerifyMS = 0.05
	fakeSignMS   = 0.07
)

func syntheticRows() []table8Row {
	var rows []table8Row
	for _, op := range table8() {
		v := 1.0
		switch op.ID {
		case idECDSAVerify:
			v = fakeVerifyMS
		case idECDSASign:
			v = fakeSignMS
		case idRSA3072KeyGen:
			v = 500
		}
		rows = append(rows, table8Row{ID: op.ID, Operation: op.Name, Security: op.Security, PaperMS: op.PaperMS,
			Ours: summarise([]float64{v * 0.9, v, v * 1.2}), OpsPerSample: 1, Slow: op.Slow})
	}
	return rows
}
