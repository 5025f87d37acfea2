"""What the two registers share: the complaints (complaints.models.complaints, services, views...) and the
correspondence (complaints.correspondence) are both « an item received on a site, given to someone, answered
within a delay in working days ». Their common base is the abstract model complaints.models.register.RegisterItem;
here are the shared parts of the layers above it, one module each (services, filters, serializers, views), and
templates/complaints/register/ holds the shared pages and includes.
"""
