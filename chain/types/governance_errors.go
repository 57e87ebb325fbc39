package types

// Governance errors, with the names of Bittensor's collective pallet
// (Triumvirate), numbered 3000 + their position in its error enum, then
// subtensor's WrongDuration. Two exist only for the table and are never
// raised: AlreadyInitialized (no runtime initialisation of members here)
// and WrongProposalWeight (calls have no weights here).
var (
	ErrNotMember           = register(&Error{3000, "triumvirate", "NotMember", "the signer is not a triumvirate member (only members propose)"})
	ErrDuplicateProposal   = register(&Error{3001, "triumvirate", "DuplicateProposal", "a proposal with the same call and arguments (the same hash) is already open"})
	ErrProposalMissing     = register(&Error{3002, "triumvirate", "ProposalMissing", "no open proposal has this hash (it was closed, or never made)"})
	ErrWrongIndex          = register(&Error{3003, "triumvirate", "WrongIndex", "the proposal index does not match the proposal's hash"})
	ErrDuplicateVote       = register(&Error{3004, "triumvirate", "DuplicateVote", "the senator already cast this vote on the proposal"})
	ErrAlreadyInitialized  = register(&Error{3005, "triumvirate", "AlreadyInitialized", "the members are already initialised"})
	ErrTooEarly            = register(&Error{3006, "triumvirate", "TooEarly", "the proposal is undecided and its voting period has not ended"})
	ErrTooManyProposals    = register(&Error{3007, "triumvirate", "TooManyProposals", "the most proposals that may be open at once are open"})
	ErrWrongProposalWeight = register(&Error{3008, "triumvirate", "WrongProposalWeight", "the proposal's weight is above the bound given"})
	ErrWrongProposalLength = register(&Error{3009, "triumvirate", "WrongProposalLength", "the proposal's encoded length is above the bound given"})
	ErrWrongDuration       = register(&Error{3010, "triumvirate", "WrongDuration", "the voting period is shorter than the chain's motion duration"})
)

// Membership errors (the membership pallet's names), for TriumvirateMembers
// and SenateMembers. Codes 3100 and up.
var (
	ErrAlreadyMember  = register(&Error{3100, "membership", "AlreadyMember", "the account is already a member"})
	ErrNotAMember     = register(&Error{3101, "membership", "NotMember", "the account is not a member"})
	ErrTooManyMembers = register(&Error{3102, "membership", "TooManyMembers", "the collective is full"})
)
