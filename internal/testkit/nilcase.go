package testkit

// Adapters for the calls of a package's nil and zero-value table, whose
// cases each run a func() error.

// Err2 keeps the error of a call with two results.
func Err2[A any](_ A, err error) error { return err }

// Err3 keeps the error of a call with three results.
func Err3[A, B any](_ A, _ B, err error) error { return err }

// NoErr runs f, which returns no error, as a call that returns nil.
func NoErr(f func()) func() error { return func() error { f(); return nil } }
