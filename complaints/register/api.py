"""What the API of the two registers shares (complaints.api, complaints.correspondence.api): the sendings of an
item's answer, and sending it again once the last one failed (complaints.deliveries)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action as route
from rest_framework.response import Response

from complaints.deliveries import deliveries_of, resend_reply
from complaints.serializers import ReplyDeliverySerializer


class ReplyActions:
    """``{id}/deliveries/`` and ``{id}/resend-reply/`` of a register's viewset, which gives ``_handled(action)``
    (the item when the user may handle it) and ``can_see_person(user, item)`` (whether the user sees the requester
    or the sender: the recipient and the mail server's words, which may quote the address)."""

    def _deliveries_context(self, item):
        return {"can_see_requester": self.can_see_person(self.request.user, item)}

    @extend_schema(responses=ReplyDeliverySerializer(many=True))
    @route(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def deliveries(self, request, pk=None):
        """The e-mails of the answer to its person, oldest first: state, attempts, when sent and by whom
        (``recipient`` and ``error`` null for those who may not see the requester or the sender)."""
        item = self.get_object()
        return Response(
            ReplyDeliverySerializer(deliveries_of(item), many=True, context=self._deliveries_context(item)).data
        )

    @extend_schema(request=None, responses={201: ReplyDeliverySerializer})
    @route(detail=True, methods=["post"], url_path="resend-reply")
    def resend_reply(self, request, pk=None):
        """E-mail the answer again after its last sending failed, to the address the item holds now (corrected by
        ``PATCH``): the new sending, pending; 400 in French when there is nothing to send again."""
        item = self._handled("answer")
        delivery = resend_reply(item, by=request.user)
        return Response(
            ReplyDeliverySerializer(delivery, context=self._deliveries_context(item)).data,
            status=status.HTTP_201_CREATED,
        )
