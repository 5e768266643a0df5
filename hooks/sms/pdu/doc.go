// Package pdu encodes and decodes SMS-SUBMIT messages in the PDU format of
// 3GPP TS 23.040, with the alphabets of 3GPP TS 23.038: the GSM 7-bit default
// alphabet (with its extension table) and UCS-2.
//
// It is the pure half of the SMS notices: no I/O, no clock, no database.
// The modem driver (package modem) turns each Part into an AT+CMGS command;
// the fake modem and the tests Decode what was sent and compare it with the
// text meant.
//
// No maintained Go PDU library is reachable from the build machine, and the
// part of the standard an SMS notice needs is small (one message type, two
// alphabets, one header element), so it is written here by hand and tested
// against published examples and fuzzed.
//
// Choices that follow the custom of Vietnamese SMS:
//   - Vietnamese text is sent without diacritics (StripDiacritics), which
//     keeps it in the GSM alphabet: 160 characters a part instead of 70.
//   - Anything outside the GSM alphabet (Khmer, Vietnamese with diacritics)
//     goes as UCS-2. Characters outside the Basic Multilingual Plane take
//     two UTF-16 code units, as the handsets that read UCS-2 expect.
//   - Long texts are split into concatenated parts with an 8-bit reference
//     (information element 0x00 of TS 23.040 §9.2.3.24.1). A split never
//     cuts an escape pair or a surrogate pair, and prefers not to cut a Khmer
//     or other combining cluster, for handsets that show parts unjoined.
//   - Destination numbers typed the national way (0912345678) are sent in
//     international form (+84912345678, type of address 0x91), which every
//     SMSC routes; the national form stays available (NationalFormat).
package pdu
