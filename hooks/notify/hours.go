package notify

import (
	"slices"
	"strings"

	"motcua/hooks/calendar"
	"motcua/hooks/i18n"
)

// hoursText writes the office's reception hours as short as an SMS wants
// them: consecutive days with the same sessions grouped, "T2-T6 07:00-11:30,
// 13:00-17:00; T7 07:00-11:30" (day names from the catalogue: sms.day_1 …).
func hoursText(w calendar.Week, lang string) string {
	// Monday first, Sunday last, as a notice board reads.
	order := []int{1, 2, 3, 4, 5, 6, 0}
	var groups []string
	for i := 0; i < len(order); {
		d := order[i]
		j := i + 1
		for j < len(order) && slices.Equal(w[order[j]], w[d]) {
			j++
		}
		if len(w[d]) > 0 {
			days := dayName(d, lang)
			if j-i > 1 {
				days += "-" + dayName(order[j-1], lang)
			}
			sess := make([]string, len(w[d]))
			for k, s := range w[d] {
				sess[k] = s.String()
			}
			groups = append(groups, days+" "+strings.Join(sess, ", "))
		}
		i = j
	}
	return strings.Join(groups, "; ")
}

// dayKeys are the catalogue keys of the short day names, by time.Weekday.
var dayKeys = [7]string{"sms.day_0", "sms.day_1", "sms.day_2", "sms.day_3", "sms.day_4", "sms.day_5", "sms.day_6"}

func dayName(d int, lang string) string { return i18n.T(lang, dayKeys[d]) }
