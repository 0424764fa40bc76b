# Past trips (dialogs/history).
history-title =
    🕘 <b>Past trips</b> (🚗 you drove, 🙋 you rode; ❌ cancelled, 🏁 done)
    {""}
history-empty = Nothing here yet: trips you drove or rode in appear once they are over or cancelled.
