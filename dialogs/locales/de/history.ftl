# Vergangene Fahrten (dialogs/history).
history-title =
    🕘 <b>Vergangene Fahrten</b> (🚗 selbst gefahren, 🙋 mitgefahren; ❌ abgesagt, 🏁 vorbei)
    {""}
history-empty = Noch nichts hier: Fahrten, die du gefahren oder mitgefahren bist, erscheinen hier, sobald sie vorbei oder abgesagt sind.
