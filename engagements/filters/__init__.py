"""One module per subject: referentials, labellings, actions, meetings."""
