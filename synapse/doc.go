// Package synapse defines the messages Bittensor miners and validators
// exchange (synapses) and their wire form, compatible with the Bittensor
// Python SDK 6.x (reference v6.5.0): the JSON body, the headers that carry
// metadata (bt_header_axon_*, bt_header_dendrite_*, bt_header_input_obj_*),
// the body hash that signatures cover, and the text dendrites and axons
// sign.
//
// A synapse type is a Go struct that embeds Synapse and adds fields; see
// Synapse for the tags. The body hash is SHA3-256 over SHA3-256 digests of
// Python's str() of each hashed field, so this package writes Go values as
// Python would print the value pydantic parses from the same JSON:
//
//   - string: the text itself at top level; inside containers its repr
//     ('a', "it's", with \n \t \xNN \uNNNN escapes).
//   - bool: True / False. nil pointer: None.
//   - signed and unsigned integers: decimal.
//   - float32, float64: Python's float repr (1.0, 0.1, 1e-05, 1e+16, inf,
//     nan); a float32 prints its shortest float32 digits, which is what a
//     peer parsing the JSON holds.
//   - slices and arrays: [a, b]; []byte is a base64 string, as in
//     encoding/json.
//   - maps with string or integer keys: {'k': v} with keys in sorted order
//     (bytewise for strings, numeric for integers). Go maps have no order,
//     so the JSON this package writes uses the same sorted order; a Python
//     peer sending a dict in another order produces a different hash.
//   - structs (nested pydantic models, including tensor.Tensor): a dict of
//     their JSON fields in declaration order.
//
// Interfaces cannot be hashed (the Python type of their value is unknown),
// nor can types with their own MarshalJSON; channels, functions and complex
// numbers cannot be sent at all. Floats in a body must be finite.
//
// Nil slices and maps are sent as [] and {} since a Python peer refuses null
// for a list or dict field; use a pointer for an Optional field.
package synapse
