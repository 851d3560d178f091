"""Provider dialects: each imitates one provider's wire format at its real paths."""
