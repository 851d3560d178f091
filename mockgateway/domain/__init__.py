"""The provider-neutral core: values, rules and errors. Standard library only."""
