// Package catalog holds the seed data a new installation starts from: the
// commune-level procedure catalogue, the holidays of 2026 and 2027 with the
// Khmer festivals an office may switch on, the office record to complete on
// first start, a fictional demo office, and the queue service groups. The data
// are JSON files embedded in the binary; the loaders decode them strictly, so
// a misspelt key fails a test instead of seeding an empty column.
//
// Every text a citizen sees comes in Vietnamese (…_vi) and Khmer (…_km).
// Amounts and counts stay in ASCII digits in both languages.
//
// # What is confirmed and what is not
//
// Nothing here was checked against the national procedure database itself
// (no network); codes and names were cross-checked against public third-party
// copies of it and against the law as known to the authors. What an office
// should check before relying on it is marked in the data:
//
//   - procedures.json: each Procedure lists in Unconfirmed the items to check
//     (code, name, fee, hours, papers). Unconfirmed codes: 1.014027 (social
//     pension), 1.001731 (funeral support), 1.011607 (poverty households;
//     reported to be replaced from 2027), 1.010833 (relatives of people with
//     merit), 1.012812 (land dispute conciliation; 1.013975 also seen),
//     1.013978 (first land registration; 1.013960 also seen). Fees set by the
//     city council are stored as 0 and marked "fee": enter the city's amount.
//     Land dispute conciliation (30 calendar days by law) is stored as 22
//     working days.
//   - holidays.json: a Holiday whose Note starts "Chưa xác nhận (unconfirmed)"
//     was computed or guessed: the 2027 Tết block, the day next to 2/9 in both
//     years, and every Khmer festival date (computed from the Khmer lunar
//     calendar). Khmer festivals are seeded disabled; national holidays enabled.
//     No official compensatory working Saturday (làm bù) is known for 2026–2027.
//   - office.json is a placeholder (agency code 000.00.00.H00, no address);
//     demo_office.json is fictional.
package catalog
