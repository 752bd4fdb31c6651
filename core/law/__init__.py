"""The residency law as data: what each article allows, how long a residency may run, who must
earn how much, what a court finding does, the overstay fines, who may invite whom to visit and
which transfers between articles are open. Every row names its legal basis, how authoritative
that source is, and the dates it applies between; staff edit them in the admin (a change is a
new row from a later date). ``rules.Law`` reads what is in force on a day."""
