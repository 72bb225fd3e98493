package main

func runProtocolForTest(transfers int) (*protocolRun, error) {
	registrar, scale, err := newSystem()
	if err != nil {
		return nil, err
	}
	return runProtocol(registrar, scale, transfers)
}
