"""Messages of the national e-document exchange (edXML, QCVN 102:2016/BTTTT): the envelope read
into plain data (`parse`), status messages back to the sender (`status`), and what an envelope
means for a stored dispatch and the register (`intake`)."""
