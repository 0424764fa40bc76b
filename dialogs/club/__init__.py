"""The club's group chat (issue #20): trip announcements, the board, sharing from any chat."""
