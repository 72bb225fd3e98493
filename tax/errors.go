package tax

import "errors"

// Sentinel errors. Every error returned by this package wraps exactly one of
// them, so callers can test the cause with errors.Is; the wrapping message
// says which value was wrong.
var (
	// ErrScale reports a unit scale that is not a supported power of ten.
	ErrScale = errors.New("tax: unsupported unit scale")

	// ErrRate reports a rate outside 0 … 100%.
	ErrRate = errors.New("tax: rate out of range")

	// ErrBrackets reports a malformed bracket list: empty, not starting at
	// zero, or with thresholds that do not strictly increase.
	ErrBrackets = errors.New("tax: invalid brackets")

	// ErrSchedule reports a nil or zero Schedule, not made by one of the
	// constructors, where a tax must be settled.
	ErrSchedule = errors.New("tax: schedule not made by a constructor")

	// ErrNegative reports a negative price.
	ErrNegative = errors.New("tax: negative amount")

	// ErrOverflow reports a result that does not fit in an Amount.
	ErrOverflow = errors.New("tax: amount overflows int64")

	// ErrSyntax reports text that is not a decimal amount.
	ErrSyntax = errors.New("tax: invalid amount syntax")

	// ErrPrecision reports a decimal amount with more fractional digits than
	// the unit scale can hold exactly.
	ErrPrecision = errors.New("tax: amount finer than the unit scale")

	// ErrParams reports invalid win-win market parameters.
	ErrParams = errors.New("tax: invalid market parameters")

	// ErrDomain reports an argument outside the domain of a satisfaction,
	// cost or bid function.
	ErrDomain = errors.New("tax: argument outside the function's domain")

	// ErrNumeric reports a non-finite value met while iterating the win-win
	// market; it signals parameters too extreme for float64.
	ErrNumeric = errors.New("tax: non-finite value in the win-win iteration")
)
