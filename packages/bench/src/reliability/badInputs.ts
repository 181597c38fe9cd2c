export const badInputs = "To be listed.\\n"
