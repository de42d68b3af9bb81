"""Bank statement imports (issue 11): the 1C "Клиент-банк" exchange format and a CSV layout, parsed into
`BankDocument`s, matched to accounts or invoices, booked in one transaction per file (docs/billing.md,
"Payments and bank statements")."""
